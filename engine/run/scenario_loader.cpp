#include "engine/run/scenario_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "engine/backends/real/endpoint.h"
#include "engine/model/request.h"

static_assert(TOML_EXCEPTIONS, "the loader expects toml++ to throw parse errors");

namespace likesim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

// Concatenates strings, string views and integers (absl::StrCat's AlphaNum does not
// take std::string_view in Debian's build of Abseil).
void append(std::string& out, std::string_view s) { out += s; }
template <typename Int>
requires std::is_integral_v<Int>
void append(std::string& out, Int i) { out += std::to_string(i); }
template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (append(out, parts), ...);
  return out;
}

// Thrown inside the loader only; load_scenario turns it into a Status.
struct LoadError {
  std::string message;
};

std::string join_key(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : cat(prefix, ".", key);
}

// How a value looks in a message: strings quoted, tables and arrays by kind.
std::string show(const toml::node& n) {
  if (const auto* s = n.as_string()) return cat("\"", s->get(), "\"");
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  std::ostringstream out;
  n.visit([&](const auto& v) { out << v; });
  return out.str();
}

std::string trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// A closed or half-open range of numbers, and how to say it.
struct Range {
  double lo = -kInf;
  double hi = kInf;
  bool lo_open = false;
  bool hi_open = false;

  bool contains(double x) const {
    return (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
  }
  std::string describe() const {
    if (hi == kInf) return cat(lo_open ? "> " : ">= ", format_number(lo));
    return cat("in ", lo_open ? "(" : "[", format_number(lo), ", ", format_number(hi),
               hi_open ? ")" : "]");
  }
};
const Range kNonNegative{0, kInf};
const Range kPositive{0, kInf, true};
const Range kFraction{0, 1};

class ScenarioReader {
 public:
  ScenarioReader(std::string file, toml::table& root) : file_(std::move(file)), root_(root) {}

  // `origin` names where the override comes from in messages: "--set KEY=VALUE" by default,
  // "FILE:LINE" for a cost file's value.
  void apply_override(const std::string& set, const std::string& origin = {});
  Scenario read();

 private:
  // --- where a node came from, and failing there --------------------------------------------
  std::string where(const toml::node& n) const {
    if (auto it = overrides_.find(&n); it != overrides_.end()) return it->second;
    return cat(file_, ":", n.source().begin.line);
  }
  [[noreturn]] void fail_at(const toml::node& n, std::string_view key,
                            std::string_view what) const {
    throw LoadError{cat(where(n), ": ", key, ": ", what)};
  }
  [[noreturn]] void fail_file(std::string_view what) const {
    throw LoadError{cat(file_, ": ", what)};
  }

  // --- reading values; each marks its node as used -------------------------------------------
  const toml::node* take(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (n) used_.insert(n);
    return n;
  }
  const toml::table* take_table(const toml::table& t, std::string_view prefix,
                                std::string_view key) {
    const toml::node* n = take(t, key);
    if (!n) return nullptr;
    if (!n->is_table()) fail_at(*n, join_key(prefix, key), "expected a table, got " + show(*n));
    return n->as_table();
  }
  void number(const toml::table& t, std::string_view prefix, std::string_view key, double& out,
              const Range& range) {
    const toml::node* n = take(t, key);
    if (!n) return;
    const std::string path = join_key(prefix, key);
    std::optional<double> v;
    if (const auto* i = n->as_integer()) v = static_cast<double>(i->get());
    if (const auto* f = n->as_floating_point()) v = f->get();
    if (!v || std::isnan(*v) || !range.contains(*v)) {
      fail_at(*n, path, cat("expected a number ", range.describe(), ", got ", show(*n)));
    }
    out = *v;
  }
  template <typename Int>
  void integer(const toml::table& t, std::string_view prefix, std::string_view key, Int& out,
               std::int64_t lo, std::int64_t hi) {
    const toml::node* n = take(t, key);
    if (!n) return;
    const auto* i = n->as_integer();
    if (!i || i->get() < lo || i->get() > hi) {
      const std::string range = hi == std::numeric_limits<std::int64_t>::max()
                                    ? cat(">= ", lo)
                                    : cat("in ", lo, "..", hi);
      fail_at(*n, join_key(prefix, key), cat("expected an integer ", range, ", got ", show(*n)));
    }
    out = static_cast<Int>(i->get());
  }
  void boolean(const toml::table& t, std::string_view prefix, std::string_view key, bool& out) {
    const toml::node* n = take(t, key);
    if (!n) return;
    const auto* b = n->as_boolean();
    if (!b) fail_at(*n, join_key(prefix, key), "expected true or false, got " + show(*n));
    out = b->get();
  }
  void string(const toml::table& t, std::string_view prefix, std::string_view key,
              std::string& out) {
    const toml::node* n = take(t, key);
    if (!n) return;
    const auto* s = n->as_string();
    if (!s) fail_at(*n, join_key(prefix, key), "expected a string, got " + show(*n));
    out = s->get();
  }
  // A string that must be one of `names`; sets `out` to its index. False if absent.
  bool choice(const toml::table& t, std::string_view prefix, std::string_view key,
              std::initializer_list<std::string_view> names, int& out) {
    const toml::node* n = take(t, key);
    if (!n) return false;
    const auto* s = n->as_string();
    int index = 0;
    for (std::string_view name : names) {
      if (s && s->get() == name) {
        out = index;
        return true;
      }
      ++index;
    }
    std::string quoted;
    for (std::string_view name : names) quoted += cat(quoted.empty() ? "" : ", ", "\"", name, "\"");
    fail_at(*n, join_key(prefix, key), cat("expected one of ", quoted, ", got ", show(*n)));
  }
  // An array of numbers at sim::kQuantilePoints (a measured shape, service_time.h).
  void quantiles(const toml::table& t, std::string_view prefix, std::string_view key,
                 sim::EmpiricalShape& out) {
    const toml::node* n = take(t, key);
    if (!n) return;
    std::vector<double> values;
    const toml::array* a = n->as_array();
    for (std::size_t i = 0; a && i < a->size(); ++i) {
      std::optional<double> v = a->get(i)->value<double>();
      if (!v) fail_at(*n, join_key(prefix, key), "expected numbers, got " + show(*a->get(i)));
      values.push_back(*v);
    }
    absl::StatusOr<sim::EmpiricalShape> shape = sim::EmpiricalShape::from_quantiles(values);
    if (!a) fail_at(*n, join_key(prefix, key), "expected an array of numbers, got " + show(*n));
    if (!shape.ok()) fail_at(*n, join_key(prefix, key), std::string(shape.status().message()));
    out = *shape;
  }
  template <typename Enum>
  void enumeration(const toml::table& t, std::string_view prefix, std::string_view key,
                   std::initializer_list<std::string_view> names, Enum& out) {
    int index = 0;
    if (choice(t, prefix, key, names, index)) out = static_cast<Enum>(index);
  }

  // --- the sections ------------------------------------------------------------------------
  void read_workload(const toml::table& t, WorkloadConfig& w);
  void read_backends(const toml::table& t, sim::CostModel& c);
  void read_real(const toml::table& t, RealServers& r);
  void read_strategies(const toml::table& t, std::vector<StrategyConfig>& out);
  StrategyConfig read_strategy(const std::string& name, const toml::table& t);
  void read_dedup(const toml::table& t, std::string_view prefix, DedupMethod& out);
  void read_faults(const toml::node& n, const Scenario& s, std::vector<FaultSpec>& out);
  void read_slos(const toml::table& t, std::vector<SloSpec>& out);
  void check_unknown_keys();
  void collect_unknown(const toml::table& t, const std::string& prefix);

  // Sorts a table's entries by where they appear: file order, then --set additions by key.
  std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& t) const;
  std::uint64_t order_of(const toml::node& n) const {
    if (overrides_.contains(&n)) return std::numeric_limits<std::uint64_t>::max();
    return n.source().begin.line;
  }

  std::string file_;
  toml::table& root_;
  absl::flat_hash_set<const toml::node*> used_;
  absl::flat_hash_map<const toml::node*, std::string> overrides_;  // node -> its --set text
  struct Unknown {
    std::uint64_t order;
    std::string key;
    const toml::node* node;
  };
  std::vector<Unknown> unknown_;
};

void ScenarioReader::apply_override(const std::string& set, const std::string& origin_text) {
  const std::string origin = origin_text.empty() ? "--set " + set : origin_text;
  const auto fail = [&](std::string_view what) { throw LoadError{cat(origin, ": ", what)}; };
  const std::size_t eq = set.find('=');
  if (eq == std::string::npos) fail("expected KEY=VALUE, e.g. strategy.sharded_counter.shards=32");
  const std::string key = trim(std::string_view(set).substr(0, eq));
  const std::string value = trim(std::string_view(set).substr(eq + 1));
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const std::string& p : parts) {
    if (p.empty()) fail(cat("bad key '", key, "'"));
  }
  if (parts[0] == "strategy" && parts.size() >= 2) {
    const toml::table* strategies = root_.get_as<toml::table>("strategy");
    if (!strategies || !strategies->contains(parts[1])) {
      fail(cat("no strategy named '", parts[1], "'"));
    }
  }

  toml::table* t = &root_;
  std::string path;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    path = join_key(path, parts[i]);
    toml::node* n = t->get(parts[i]);
    if (!n) {
      t->insert(parts[i], toml::table{});
      n = t->get(parts[i]);
      overrides_[n] = origin;
    }
    if (n->is_array())
      fail(cat("'", path, "' is an array ([[", path, "]]); --set cannot reach into it"));
    if (!n->is_table()) fail(cat("'", path, "' is not a table"));
    t = n->as_table();
  }
  if (const toml::node* old = t->get(parts.back());
      old && (old->is_table() || old->is_array_of_tables())) {
    fail(cat("'", key, "' is a ", old->is_table() ? "table" : "array", "; set one of its keys"));
  }

  // VALUE as TOML (42, 2.5, true, "text"); anything that is not one TOML value is a string.
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
  }
  toml::node* v = parsed.size() == 1 ? parsed.get("v") : nullptr;
  if (v) {
    t->insert_or_assign(parts.back(), std::move(*v));
  } else {
    t->insert_or_assign(parts.back(), value);
  }
  overrides_[t->get(parts.back())] = origin;
}

Scenario ScenarioReader::read() {
  Scenario s;
  s.file = file_;
  s.name = std::filesystem::path(file_).stem().string();
  const toml::table& r = root_;
  string(r, "", "name", s.name);
  string(r, "", "description", s.description);
  integer(r, "", "seed", s.seed, 0, std::numeric_limits<std::int64_t>::max());
  number(r, "", "duration_s", s.duration_s, kPositive);
  number(r, "", "warmup_s", s.warmup_s, kNonNegative);
  if (s.warmup_s >= s.duration_s) {
    fail_at(*r.get("warmup_s"), "warmup_s",
            cat("must be less than duration_s = ", format_number(s.duration_s), ", got ",
                format_number(s.warmup_s)));
  }
  number(r, "", "drain_timeout_s", s.drain_timeout_s, kPositive);
  number(r, "", "interval_ms", s.interval_ms, kPositive);

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

void ScenarioReader::read_workload(const toml::table& t, WorkloadConfig& w) {
  int kind = 0;
  choice(t, "workload", "kind", {"steady", "celebrity"}, kind);
  w.kind = kind == 0 ? "steady" : "celebrity";
  w.celebrity.enabled = kind == 1;
  number(t, "workload", "retry_fraction", w.retry_fraction, kFraction);
  number(t, "workload", "retry_delay_ms", w.retry_delay_ms, kNonNegative);

  if (const toml::table* st = take_table(t, "workload", "steady")) {
    constexpr std::string_view p = "workload.steady";
    SteadyConfig& c = w.steady;
    number(*st, p, "writes_per_s", c.writes_per_s, kNonNegative);
    number(*st, p, "reads_per_s", c.reads_per_s, kNonNegative);
    integer(*st, p, "posts", c.posts, 1, kMaxU32 - 1);  // the hot post may be posts + 1
    number(*st, p, "zipf_s", c.zipf_s, kPositive);
    integer(*st, p, "users", c.users, 1, kMaxU32);
    number(*st, p, "unlike_fraction", c.unlike_fraction, kFraction);
    number(*st, p, "status_fraction", c.status_fraction, kFraction);
    number(*st, p, "batch_fraction", c.batch_fraction, kFraction);
    integer(*st, p, "batch_size", c.batch_size, 1, kMaxBatchPosts);
    if (c.status_fraction + c.batch_fraction > 1) {
      const toml::node* n = st->get("batch_fraction");
      if (!n) n = st->get("status_fraction");
      fail_at(*n,
              join_key(p, n == st->get("batch_fraction") ? "batch_fraction" : "status_fraction"),
              cat("status_fraction + batch_fraction must be <= 1, got ",
                  format_number(c.status_fraction), " + ", format_number(c.batch_fraction)));
    }
  }
  if (const toml::table* ce = take_table(t, "workload", "celebrity")) {
    constexpr std::string_view p = "workload.celebrity";
    CelebrityConfig& c = w.celebrity;
    if (const toml::node* n = ce->get("enabled")) {
      fail_at(*n, "workload.celebrity.enabled",
              "not a setting: workload.kind = \"celebrity\" turns the burst on");
    }
    integer(*ce, p, "post", c.post, 0, kMaxU32);
    number(*ce, p, "start_s", c.start_s, kNonNegative);
    number(*ce, p, "ramp_s", c.ramp_s, kNonNegative);
    number(*ce, p, "hold_s", c.hold_s, kNonNegative);
    number(*ce, p, "decay_s", c.decay_s, kNonNegative);
    number(*ce, p, "peak_likes_per_s", c.peak_likes_per_s, kNonNegative);
    number(*ce, p, "reads_per_like", c.reads_per_like, kNonNegative);
  }
}

void ScenarioReader::read_backends(const toml::table& t, sim::CostModel& c) {
  constexpr std::string_view kNoShape =
      "\"empirical\" needs rtt_us_quantiles or service_quantiles (likesim calibrate writes them)";
  if (const toml::table* r = take_table(t, "backends", "redis")) {
    constexpr std::string_view p = "backends.redis";
    sim::RedisCosts& x = c.redis;
    integer(*r, p, "nodes", x.nodes, 1, 32);
    number(*r, p, "rtt_us", x.rtt_us, kNonNegative);
    number(*r, p, "request_us", x.request_us, kNonNegative);
    number(*r, p, "command_us", x.command_us, kNonNegative);
    number(*r, p, "set_command_us", x.set_command_us, kNonNegative);
    number(*r, p, "mget_base_us", x.mget_base_us, kNonNegative);
    number(*r, p, "mget_per_key_us", x.mget_per_key_us, kNonNegative);
    number(*r, p, "script_us", x.script_us, kNonNegative);
    number(*r, p, "bloom_us", x.bloom_us, kNonNegative);
    number(*r, p, "fsync_always_us", x.fsync_always_us, kNonNegative);
    enumeration(*r, p, "appendfsync", {"no", "everysec", "always", "off"}, x.appendfsync);
    number(*r, p, "timeout_ms", x.timeout_ms, kPositive);
    enumeration(*r, p, "distribution", {"deterministic", "exponential", "empirical"},
                x.distribution);
    quantiles(*r, p, "rtt_us_quantiles", x.rtt_shape);
    quantiles(*r, p, "service_quantiles", x.service_shape);
    if (x.distribution == sim::ServiceDistribution::empirical && x.rtt_shape.empty() &&
        x.service_shape.empty()) {
      fail_at(*r->get("distribution"), join_key(p, "distribution"), kNoShape);
    }
  }
  if (const toml::table* g = take_table(t, "backends", "postgres")) {
    constexpr std::string_view p = "backends.postgres";
    sim::PostgresCosts& x = c.postgres;
    integer(*g, p, "pool_size", x.pool_size, 1, 10000);
    number(*g, p, "pool_timeout_ms", x.pool_timeout_ms, kPositive);
    integer(*g, p, "cpu_cores", x.cpu_cores, 1, 1024);
    number(*g, p, "rtt_us", x.rtt_us, kNonNegative);
    number(*g, p, "statement_us", x.statement_us, kNonNegative);
    number(*g, p, "insert_us", x.insert_us, kNonNegative);
    number(*g, p, "commit_cpu_us", x.commit_cpu_us, kNonNegative);
    number(*g, p, "count_base_us", x.count_base_us, kNonNegative);
    number(*g, p, "count_per_row_ns", x.count_per_row_ns, kNonNegative);
    number(*g, p, "wal_flush_us", x.wal_flush_us, kNonNegative);
    boolean(*g, p, "synchronous_commit", x.synchronous_commit);
    number(*g, p, "lock_handoff_us", x.lock_handoff_us, kNonNegative);
    number(*g, p, "lock_handoff_async_us", x.lock_handoff_async_us, kNonNegative);
    enumeration(*g, p, "distribution", {"deterministic", "exponential", "empirical"},
                x.distribution);
    quantiles(*g, p, "rtt_us_quantiles", x.rtt_shape);
    quantiles(*g, p, "service_quantiles", x.service_shape);
    if (x.distribution == sim::ServiceDistribution::empirical && x.rtt_shape.empty() &&
        x.service_shape.empty()) {
      fail_at(*g->get("distribution"), join_key(p, "distribution"), kNoShape);
    }
  }
  if (const toml::table* k = take_table(t, "backends", "kafka")) {
    constexpr std::string_view p = "backends.kafka";
    sim::KafkaCosts& x = c.kafka;
    integer(*k, p, "partitions", x.partitions, 1, 1024);
    number(*k, p, "linger_ms", x.linger_ms, kNonNegative);
    integer(*k, p, "batch_records", x.batch_records, 1, 1000000);
    number(*k, p, "broker_append_us", x.broker_append_us, kNonNegative);
    number(*k, p, "broker_record_us", x.broker_record_us, kNonNegative);
    number(*k, p, "rtt_us", x.rtt_us, kNonNegative);
    integer(*k, p, "max_poll_records", x.max_poll_records, 1, 1000000);
    number(*k, p, "poll_timeout_ms", x.poll_timeout_ms, kNonNegative);
    number(*k, p, "fetch_us", x.fetch_us, kNonNegative);
    number(*k, p, "commit_us", x.commit_us, kNonNegative);
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
  integer(t, "real", "redis_connections", r.redis_connections, 1, 256);
  integer(t, "real", "pg_connections", r.pg_connections, 1, 1000);
}

std::vector<std::pair<std::string, const toml::node*>> ScenarioReader::in_file_order(
    const toml::table& t) const {
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (auto&& [key, node] : t) entries.emplace_back(std::string(key.str()), &node);
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
    return order_of(*a.second) < order_of(*b.second);
  });
  return entries;
}

void ScenarioReader::read_strategies(const toml::table& t, std::vector<StrategyConfig>& out) {
  for (const auto& [name, node] : in_file_order(t)) {
    const std::string key = join_key("strategy", name);
    used_.insert(node);
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
    integer(t, p, "dedup_shards", k.dedup_shards, 1, 1024);
    if (k.dedup == DedupMethod::lua_atomic) {
      need_redis_counter(k.store == CounterStore::redis, "store = \"redis\"");
    }
    c.knobs = k;
  } else if (c.kind == "sharded_counter") {
    ShardedCounterKnobs k;
    integer(t, p, "shards", k.shards, 1, 1024);
    enumeration(t, p, "pick", {"random", "user_hash"}, k.pick);
    boolean(t, p, "hash_tag", k.hash_tag);
    number(t, p, "cache_ttl_ms", k.cache_ttl_ms, kNonNegative);
    boolean(t, p, "adaptive", k.adaptive);
    number(t, p, "hot_likes_per_s", k.hot_likes_per_s, kNonNegative);
    number(t, p, "cool_likes_per_s", k.cool_likes_per_s, kNonNegative);
    if (k.cool_likes_per_s > k.hot_likes_per_s) {
      const toml::node* n = t.get("cool_likes_per_s");
      if (!n) n = t.get("hot_likes_per_s");
      fail_at(*n,
              join_key(p, n == t.get("cool_likes_per_s") ? "cool_likes_per_s" : "hot_likes_per_s"),
              cat("cool_likes_per_s must be <= hot_likes_per_s, got ",
                  format_number(k.cool_likes_per_s), " > ", format_number(k.hot_likes_per_s)));
    }
    read_dedup(t, p, k.dedup);
    integer(t, p, "dedup_shards", k.dedup_shards, 1, 1024);
    c.knobs = k;
  } else if (c.kind == "write_buffered") {
    WriteBufferedKnobs k;
    integer(t, p, "app_servers", k.app_servers, 1, 1024);
    number(t, p, "flush_interval_ms", k.flush_interval_ms, kPositive);
    enumeration(t, p, "store", {"db", "redis"}, k.store);
    read_dedup(t, p, k.dedup);
    integer(t, p, "dedup_shards", k.dedup_shards, 1, 1024);
    if (k.dedup == DedupMethod::lua_atomic) {
      need_redis_counter(
          false, "a strategy that counts in the request; write_buffered counts in memory first");
    }
    c.knobs = k;
  } else if (c.kind == "async_log") {
    AsyncLogKnobs k;
    integer(t, p, "consumers", k.consumers, 1, 1024);
    boolean(t, p, "idempotent", k.idempotent);
    integer(t, p, "max_batch", k.max_batch, 1, 1000000);
    read_dedup(t, p, k.dedup);
    integer(t, p, "dedup_shards", k.dedup_shards, 1, 1024);
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
    used_.insert(&t);
    const std::string p = cat("fault[", i, "]");
    FaultSpec f;
    if (!t.contains("at_s")) fail_at(t, p, "missing key 'at_s'");
    if (!t.contains("kind")) fail_at(t, p, "missing key 'kind'");
    number(t, p, "at_s", f.at_s, Range{0, s.duration_s, false, true});
    enumeration(t, p, "kind", {"app_server_crash", "consumer_crash", "redis_node_crash"}, f.kind);
    string(t, p, "strategy", f.strategy);
    integer(t, p, "target", f.target, 0, 1023);
    const auto named = std::find_if(s.strategies.begin(), s.strategies.end(),
                                    [&](const StrategyConfig& c) { return c.name == f.strategy; });
    if (!f.strategy.empty() && named == s.strategies.end()) {
      fail_at(*t.get("strategy"), join_key(p, "strategy"),
              cat("no strategy named '", f.strategy, "'"));
    }
    if (f.kind == FaultKind::redis_node_crash) {
      // Every strategy has Redis nodes; the index is checked against the servers at the run.
      number(t, p, "down_for_s", f.down_for_s, kNonNegative);
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
              cat("expected an integer in 0..", most - 1, " (", most,
                  app ? " app servers" : " consumers", "), got ", f.target));
    }
    out.push_back(f);
  }
}

void ScenarioReader::read_slos(const toml::table& t, std::vector<SloSpec>& out) {
  for (const auto& [name, node] : in_file_order(t)) {
    used_.insert(node);
    const std::string key = join_key("slo", name);
    if (!is_known_slo(name)) {
      fail_at(*node, key,
              cat("unknown SLO '", name,
                  "' (known: like_p99_ms, like_p999_ms, count_p99_ms, status_p99_ms, "
                  "staleness_p99_ms, drift_abs_max, lost_likes, double_counts, "
                  "dedup_violations, error_rate)"));
    }
    SloSpec slo;
    slo.name = name;
    number(t, "slo", name, slo.limit, kNonNegative);
    out.push_back(slo);
  }
}

void ScenarioReader::collect_unknown(const toml::table& t, const std::string& prefix) {
  for (auto&& [key, node] : t) {
    const std::string path = join_key(prefix, key.str());
    if (!used_.contains(&node)) {
      std::uint64_t order = order_of(node);
      if (order != std::numeric_limits<std::uint64_t>::max() && key.source().begin.line > 0) {
        order = key.source().begin.line;
      }
      unknown_.push_back({order, path, &node});
      continue;
    }
    if (const toml::table* sub = node.as_table()) collect_unknown(*sub, path);
    if (const toml::array* arr = node.as_array()) {
      for (std::size_t i = 0; i < arr->size(); ++i) {
        if (const toml::table* sub = arr->get(i)->as_table()) {
          collect_unknown(*sub, cat(path, "[", i, "]"));
        }
      }
    }
  }
}

void ScenarioReader::check_unknown_keys() {
  collect_unknown(root_, "");
  if (unknown_.empty()) return;
  const Unknown& first =
      *std::min_element(unknown_.begin(), unknown_.end(), [](const Unknown& a, const Unknown& b) {
        return a.order != b.order ? a.order < b.order : a.key < b.key;
      });
  std::string location = where(*first.node);
  if (first.order != std::numeric_limits<std::uint64_t>::max()) {
    location = cat(file_, ":", first.order);
  }
  throw LoadError{cat(location, ": unknown key '", first.key, "'")};
}

}  // namespace

namespace {

// Reads and parses a TOML file; `what` names it in messages ("scenario", "cost file").
absl::StatusOr<toml::table> parse_file(const std::string& path, std::string_view what) {
  std::string text;
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
      return absl::NotFoundError(
          cat("cannot open ", what, " '", path, "': ", std::strerror(errno)));
    }
    char buffer[1 << 14];
    std::size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, got);
    const bool failed = std::ferror(f) != 0;
    const int error = errno;
    std::fclose(f);
    if (failed) {
      return absl::NotFoundError(
          cat("cannot read ", what, " '", path, "': ", std::strerror(error)));
    }
  }
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        cat(path, ":", e.source().begin.line, ":", e.source().begin.column, ": ", e.description()));
  }
}

// A cost file's values as overrides "backends.redis.request_us=11.2", each with its FILE:LINE.
void cost_overrides(const std::string& path, const toml::table& root,
                    std::vector<std::pair<std::string, std::string>>& out) {
  constexpr std::string_view kOnly =
      "a cost file holds only [backends.redis], [backends.postgres] and [backends.kafka] "
      "values (likesim calibrate writes one)";
  for (auto&& [key, node] : root) {
    const std::string where = cat(path, ":", node.source().begin.line);
    if (key.str() != "backends" || !node.is_table()) {
      throw LoadError{cat(where, ": ", key.str(), ": ", kOnly)};
    }
    for (auto&& [server, values] : *node.as_table()) {
      if (!values.is_table()) throw LoadError{cat(where, ": backends.", server.str(), ": ", kOnly)};
      for (auto&& [name, value] : *values.as_table()) {
        const std::string line = cat(path, ":", value.source().begin.line);
        if (!value.is_value() && !value.is_array()) {  // arrays: measured quantiles
          throw LoadError{cat(line, ": backends.", server.str(), ".", name.str(), ": ", kOnly)};
        }
        std::ostringstream text;
        value.visit([&](auto&& v) {
          if constexpr (toml::is_value<decltype(v)> || toml::is_array<decltype(v)>) text << v;
        });
        out.emplace_back(cat("backends.", server.str(), ".", name.str(), "=", text.str()), line);
      }
    }
  }
}

}  // namespace

absl::StatusOr<Scenario> load_scenario(const std::string& path,
                                       const std::vector<std::string>& overrides,
                                       const std::string& costs_path) {
  absl::StatusOr<toml::table> root = parse_file(path, "scenario");
  if (!root.ok()) return root.status();
  try {
    std::vector<std::pair<std::string, std::string>> costs;
    if (!costs_path.empty()) {
      absl::StatusOr<toml::table> cost_root = parse_file(costs_path, "cost file");
      if (!cost_root.ok()) return cost_root.status();
      cost_overrides(costs_path, *cost_root, costs);
    }
    ScenarioReader reader(path, *root);
    // Measured costs replace the scenario's; --set still has the last word.
    for (const auto& [set, origin] : costs) reader.apply_override(set, origin);
    for (const std::string& set : overrides) reader.apply_override(set);
    return reader.read();
  } catch (const LoadError& e) {
    return absl::InvalidArgumentError(e.message);
  }
}

}  // namespace likesim
