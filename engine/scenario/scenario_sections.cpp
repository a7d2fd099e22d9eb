// The sections of a scenario file, read key by key. The range of every numeric key is in
// scenario_schema.cpp; what is checked here is the rest: enumerations, knobs that make no
// sense together, faults against the strategies they name.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <variant>

#include "engine/backends/real/endpoint.h"
#include "engine/metrics/slo_evaluator.h"
#include "engine/scenario/scenario_reader.h"
#include "engine/scenario/scenario_schema.h"

namespace likesim {
namespace {

constexpr std::string_view kNoShape =
    "\"empirical\" needs rtt_us_quantiles or service_quantiles (likesim calibrate writes them)";

}  // namespace

// An array of numbers at sim::kQuantilePoints (a measured shape, service_time.h): latencies in
// µs like every cost, so in [0, kMaxCostUs]; EmpiricalShape checks the count and the order.
void ScenarioReader::quantiles(const toml::table& t, std::string_view prefix, std::string_view key,
                               sim::EmpiricalShape& out) {
  const toml::node* n = take(t, key);
  if (!n) return;
  const std::string name = join_key(prefix, key);
  const toml::array* a = n->as_array();
  if (!a) fail_at(*n, name, "expected an array of numbers, got " + show(*n));
  std::vector<double> values;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const std::optional<double> v = a->get(i)->value<double>();
    if (!v) fail_at(*n, name, "expected numbers, got " + show(*a->get(i)));
    if (!(*v >= 0 && *v <= kMaxCostUs)) {
      fail_at(*n, name,
              cat(format_number(*v), " out of range [0, ", format_number(kMaxCostUs), "]"));
    }
    values.push_back(*v);
  }
  absl::StatusOr<sim::EmpiricalShape> shape = sim::EmpiricalShape::from_quantiles(values);
  if (!shape.ok()) fail_at(*n, name, std::string(shape.status().message()));
  out = *shape;
}

// `distribution = "empirical"` and the shapes it draws from.
template <typename Costs>
void ScenarioReader::distribution(const toml::table& t, std::string_view prefix, Costs& x) {
  enumeration(t, prefix, "distribution", {"deterministic", "exponential", "empirical"},
              x.distribution);
  quantiles(t, prefix, "rtt_us_quantiles", x.rtt_shape);
  quantiles(t, prefix, "service_quantiles", x.service_shape);
  if (x.distribution == sim::ServiceDistribution::empirical && x.rtt_shape.empty() &&
      x.service_shape.empty()) {
    fail_at(*t.get("distribution"), join_key(prefix, "distribution"), kNoShape);
  }
}

Scenario ScenarioReader::read() {
  Scenario s;
  s.file = file();
  s.name = std::filesystem::path(file()).stem().string();
  const toml::table& r = root();
  string(r, "", "name", s.name);
  string(r, "", "description", s.description);
  integer(r, "", "seed", s.seed);
  number(r, "", "duration_s", s.duration_s);
  number(r, "", "warmup_s", s.warmup_s);
  if (s.warmup_s >= s.duration_s) {
    fail_at(*r.get("warmup_s"), "warmup_s",
            cat("must be less than duration_s = ", format_number(s.duration_s), ", got ",
                format_number(s.warmup_s)));
  }
  number(r, "", "drain_timeout_s", s.drain_timeout_s);
  number(r, "", "interval_ms", s.interval_ms);
  if (s.duration_s * 1000 / s.interval_ms > kMaxIntervals) {
    fail_at_either(r, "", "interval_ms", "duration_s",
                   cat("duration_s = ", format_number(s.duration_s),
                       " at interval_ms = ", format_number(s.interval_ms), " makes ",
                       format_number(std::ceil(s.duration_s * 1000 / s.interval_ms)),
                       " time-series intervals; at most ", format_number(kMaxIntervals),
                       " (raise interval_ms)"));
  }

  if (const toml::table* w = take_table(r, "", "workload")) read_workload(*w, s.workload);
  if (const toml::table* b = take_table(r, "", "backends")) read_backends(*b, s.costs);
  if (const toml::table* b = take_table(r, "", "real")) read_real(*b, s.real);
  const toml::table* strategies = take_table(r, "", "strategy");
  if (!strategies || strategies->empty()) {
    fail_file("no strategy to compare: add a [strategy.NAME] table, e.g. [strategy.count_query]");
  }
  read_strategies(*strategies, s.strategies);
  if (const toml::node* f = take(r, "fault")) read_faults(*f, s, s.faults);
  if (const toml::table* slo = take_table(r, "", "slo")) read_slos(*slo, s.slos);
  check_unknown_keys();
  return s;
}

void ScenarioReader::read_backends(const toml::table& t, sim::CostModel& c) {
  if (const toml::table* r = take_table(t, "backends", "redis")) {
    constexpr std::string_view p = "backends.redis";
    sim::RedisCosts& x = c.redis;
    integer(*r, p, "nodes", x.nodes);
    number(*r, p, "rtt_us", x.rtt_us);
    number(*r, p, "request_us", x.request_us);
    number(*r, p, "command_us", x.command_us);
    number(*r, p, "set_command_us", x.set_command_us);
    number(*r, p, "mget_base_us", x.mget_base_us);
    number(*r, p, "mget_per_key_us", x.mget_per_key_us);
    number(*r, p, "script_us", x.script_us);
    number(*r, p, "bloom_us", x.bloom_us);
    number(*r, p, "fsync_always_us", x.fsync_always_us);
    number(*r, p, "iteration_us", x.iteration_us);
    number(*r, p, "xadd_us", x.xadd_us);
    number(*r, p, "xread_base_us", x.xread_base_us);
    number(*r, p, "xread_entry_us", x.xread_entry_us);
    number(*r, p, "xread_empty_us", x.xread_empty_us);
    number(*r, p, "xack_base_us", x.xack_base_us);
    number(*r, p, "xack_id_us", x.xack_id_us);
    enumeration(*r, p, "appendfsync", {"no", "everysec", "always", "off"}, x.appendfsync);
    number(*r, p, "timeout_ms", x.timeout_ms);
    distribution(*r, p, x);
  }
  if (const toml::table* g = take_table(t, "backends", "postgres")) {
    constexpr std::string_view p = "backends.postgres";
    sim::PostgresCosts& x = c.postgres;
    integer(*g, p, "pool_size", x.pool_size);
    number(*g, p, "pool_timeout_ms", x.pool_timeout_ms);
    integer(*g, p, "cpu_cores", x.cpu_cores);
    number(*g, p, "rtt_us", x.rtt_us);
    number(*g, p, "statement_us", x.statement_us);
    number(*g, p, "insert_us", x.insert_us);
    number(*g, p, "commit_cpu_us", x.commit_cpu_us);
    number(*g, p, "count_base_us", x.count_base_us);
    number(*g, p, "count_per_row_ns", x.count_per_row_ns);
    number(*g, p, "wal_flush_us", x.wal_flush_us);
    number(*g, p, "wal_wake_us", x.wal_wake_us);
    boolean(*g, p, "synchronous_commit", x.synchronous_commit);
    number(*g, p, "lock_handoff_us", x.lock_handoff_us);
    number(*g, p, "lock_handoff_async_us", x.lock_handoff_async_us);
    number(*g, p, "lock_contention_exponent", x.lock_contention_exponent);
    enumeration(*g, p, "lock_grant", {"fifo", "random"}, x.lock_grant);
    distribution(*g, p, x);
  }
  if (const toml::table* k = take_table(t, "backends", "kafka")) {
    constexpr std::string_view p = "backends.kafka";
    sim::KafkaCosts& x = c.kafka;
    integer(*k, p, "partitions", x.partitions);
    number(*k, p, "linger_ms", x.linger_ms);
    integer(*k, p, "batch_records", x.batch_records);
    number(*k, p, "broker_append_us", x.broker_append_us);
    number(*k, p, "broker_record_us", x.broker_record_us);
    number(*k, p, "rtt_us", x.rtt_us);
    integer(*k, p, "max_poll_records", x.max_poll_records);
    number(*k, p, "poll_timeout_ms", x.poll_timeout_ms);
    number(*k, p, "fetch_us", x.fetch_us);
    number(*k, p, "commit_us", x.commit_us);
  }
  if (const toml::table* l = take_table(t, "backends", "log")) {
    enumeration(*l, "backends.log", "kind", {"kafka", "redis_streams"}, c.log);
  }
}

void ScenarioReader::read_real(const toml::table& t, RealServers& r) {
  const auto address = [&](std::string_view key, std::string& out) {
    string(t, "real", key, out);
    if (const toml::node* n = t.get(key); n && !out.empty()) {
      absl::StatusOr<std::vector<real::Endpoint>> e = real::parse_endpoints(out);
      if (!e.ok()) fail_at(*n, join_key("real", key), std::string(e.status().message()));
    }
  };
  address("redis", r.redis);
  address("redis_cluster", r.redis_cluster);
  string(t, "real", "pg", r.pg);
  integer(t, "real", "redis_connections", r.redis_connections);
  integer(t, "real", "pg_connections", r.pg_connections);
}

void ScenarioReader::read_strategies(const toml::table& t, std::vector<StrategyConfig>& out) {
  for (const auto& [name, node] : in_file_order(t)) {
    const std::string key = join_key("strategy", name);
    mark_used(node);
    if (!node->is_table()) {
      fail_at(*node, key, "expected a table ([" + key + "]), got " + show(*node));
    }
    out.push_back(read_strategy(name, *node->as_table()));
  }
}

void ScenarioReader::read_dedup(const toml::table& t, std::string_view prefix, DedupMethod& out) {
  enumeration(t, prefix, "dedup", {"db_unique", "redis_set", "bloom", "lua_atomic"}, out);
}

StrategyConfig ScenarioReader::read_strategy(const std::string& name, const toml::table& t) {
  const std::string p = join_key("strategy", name);
  StrategyConfig c;
  c.name = name;
  c.kind = name;
  string(t, p, "kind", c.kind);
  const std::string sec = join_key("strategy", c.kind);  // the schema knows kinds, not names
  // lua_atomic is one script doing SADD + INCR: the counter must live in Redis.
  const auto need_redis_counter = [&](bool counter_in_redis, std::string_view why) {
    if (counter_in_redis) return;
    const toml::node* n = t.get("dedup");
    fail_at(*n, join_key(p, "dedup"), cat("lua_atomic needs ", why));
  };
  if (c.kind == "count_query") {
    c.knobs = CountQueryKnobs{};
    DedupMethod dedup = DedupMethod::db_unique;
    read_dedup(t, p, dedup);
    if (dedup != DedupMethod::db_unique) {
      fail_at(*t.get("dedup"), join_key(p, "dedup"),
              cat("count_query counts the likes table, so its dedup is \"db_unique\", "
                  "got \"",
                  dedup_name(dedup), "\""));
    }
  } else if (c.kind == "single_counter") {
    SingleCounterKnobs k;
    enumeration(t, p, "store", {"db", "redis"}, k.store);
    read_dedup(t, p, k.dedup);
    integer(t, p, "dedup_shards", k.dedup_shards, sec);
    if (k.dedup == DedupMethod::lua_atomic) {
      need_redis_counter(k.store == CounterStore::redis, "store = \"redis\"");
    }
    c.knobs = k;
  } else if (c.kind == "sharded_counter") {
    ShardedCounterKnobs k;
    integer(t, p, "shards", k.shards, sec);
    enumeration(t, p, "pick", {"random", "user_hash"}, k.pick);
    boolean(t, p, "hash_tag", k.hash_tag);
    number(t, p, "cache_ttl_ms", k.cache_ttl_ms, sec);
    boolean(t, p, "adaptive", k.adaptive);
    number(t, p, "hot_likes_per_s", k.hot_likes_per_s, sec);
    number(t, p, "cool_likes_per_s", k.cool_likes_per_s, sec);
    if (k.cool_likes_per_s > k.hot_likes_per_s) {
      fail_at_either(
          t, p, "cool_likes_per_s", "hot_likes_per_s",
          cat("cool_likes_per_s must be <= hot_likes_per_s, got ",
              format_number(k.cool_likes_per_s), " > ", format_number(k.hot_likes_per_s)));
    }
    read_dedup(t, p, k.dedup);
    integer(t, p, "dedup_shards", k.dedup_shards, sec);
    c.knobs = k;
  } else if (c.kind == "write_buffered") {
    WriteBufferedKnobs k;
    integer(t, p, "app_servers", k.app_servers, sec);
    number(t, p, "flush_interval_ms", k.flush_interval_ms, sec);
    enumeration(t, p, "store", {"db", "redis"}, k.store);
    read_dedup(t, p, k.dedup);
    integer(t, p, "dedup_shards", k.dedup_shards, sec);
    if (k.dedup == DedupMethod::lua_atomic) {
      need_redis_counter(
          false, "a strategy that counts in the request; write_buffered counts in memory first");
    }
    c.knobs = k;
  } else if (c.kind == "async_log") {
    AsyncLogKnobs k;
    integer(t, p, "consumers", k.consumers, sec);
    boolean(t, p, "idempotent", k.idempotent);
    integer(t, p, "max_batch", k.max_batch, sec);
    read_dedup(t, p, k.dedup);
    integer(t, p, "dedup_shards", k.dedup_shards, sec);
    if (k.dedup == DedupMethod::lua_atomic) {
      need_redis_counter(false, "a counter in Redis; async_log keeps its counts in the database");
    }
    c.knobs = k;
  } else {
    const toml::node* n = t.get("kind");
    const std::string what =
        cat("unknown strategy kind '", c.kind,
            "' (known: count_query, single_counter, sharded_counter, write_buffered, "
            "async_log",
            n ? ")" : "; set kind = one of them)");
    fail_at(n ? *n : static_cast<const toml::node&>(t), n ? join_key(p, "kind") : p, what);
  }
  return c;
}

void ScenarioReader::read_faults(const toml::node& n, const Scenario& s,
                                 std::vector<FaultSpec>& out) {
  const toml::array* faults = n.as_array();
  if (!faults || !faults->is_array_of_tables()) {
    fail_at(n, "fault", "expected [[fault]] tables, got " + show(n));
  }
  for (std::size_t i = 0; i < faults->size(); ++i) {
    const toml::table& t = *faults->get(i)->as_table();
    mark_used(&t);
    const std::string p = cat("fault[", i, "]");
    FaultSpec f;
    if (!t.contains("at_s")) fail_at(t, p, "missing key 'at_s'");
    if (!t.contains("kind")) fail_at(t, p, "missing key 'kind'");
    number_below(t, p, "at_s", f.at_s, "fault", s.duration_s);
    enumeration(t, p, "kind",
                {"app_server_crash", "consumer_crash", "redis_node_crash", "backend_slowdown"},
                f.kind);
    string(t, p, "strategy", f.strategy);
    integer(t, p, "target", f.target, "fault");
    const auto named = std::find_if(s.strategies.begin(), s.strategies.end(),
                                    [&](const StrategyConfig& c) { return c.name == f.strategy; });
    if (!f.strategy.empty() && named == s.strategies.end()) {
      fail_at(*t.get("strategy"), join_key(p, "strategy"),
              cat("no strategy named '", f.strategy, "'"));
    }
    if (f.kind == FaultKind::backend_slowdown) {
      // Every strategy has both backends; one that never calls the slowed one is unaffected.
      enumeration(t, p, "backend", {"redis", "postgres"}, f.backend);
      number(t, p, "factor", f.factor, "fault");
      number(t, p, "for_s", f.for_s, "fault");
      out.push_back(f);
      continue;
    }
    if (f.kind == FaultKind::redis_node_crash) {
      // Every strategy has Redis nodes; the index is checked against the servers at the run.
      number(t, p, "down_for_s", f.down_for_s, "fault");
      out.push_back(f);
      continue;
    }

    const bool app = f.kind == FaultKind::app_server_crash;
    const std::string_view needed = app ? "a write_buffered strategy" : "an async_log strategy";
    // How many app servers / consumers a strategy has (0: none).
    const auto components = [&](const StrategyConfig& c) {
      if (app && c.kind == "write_buffered")
        return std::get<WriteBufferedKnobs>(c.knobs).app_servers;
      if (!app && c.kind == "async_log") return std::get<AsyncLogKnobs>(c.knobs).consumers;
      return 0;
    };
    int most = 0;
    if (!f.strategy.empty()) {
      most = components(*named);
      if (most == 0) {
        fail_at(*t.get("strategy"), join_key(p, "strategy"),
                cat("strategy '", f.strategy, "' (", named->kind, ") has no ",
                    app ? "app servers" : "consumers", "; ",
                    app ? "app_server_crash" : "consumer_crash", " needs ", needed));
      }
    } else {
      for (const StrategyConfig& c : s.strategies) most = std::max(most, components(c));
      if (most == 0) {
        fail_at(*t.get("kind"), join_key(p, "kind"),
                cat("no strategy of the file has ", app ? "app servers" : "consumers", " (", needed,
                    ")"));
      }
    }
    if (f.target >= most) {
      fail_at(*t.get("target"), join_key(p, "target"),
              cat(f.target, " out of range [0, ", most - 1, "] (", most,
                  app ? " app servers" : " consumers", ")"));
    }
    out.push_back(f);
  }
}

void ScenarioReader::read_slos(const toml::table& t, std::vector<SloSpec>& out) {
  for (const auto& [name, node] : in_file_order(t)) {
    mark_used(node);
    const std::string key = join_key("slo", name);
    if (!is_known_slo(name)) {
      std::string known;
      for (const std::string_view m : known_slo_metrics()) {
        known += (known.empty() ? "" : ", ") + std::string(m);
      }
      fail_at(*node, key, cat("unknown SLO '", name, "' (known: ", known, ")"));
    }
    SloSpec slo;
    slo.name = name;
    number(t, "slo", name, slo.limit);
    out.push_back(slo);
  }
}

}  // namespace likesim
