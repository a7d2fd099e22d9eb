#include "engine/run/real_world.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "engine/backends/real/backend_error.h"
#include "engine/backends/real/local_process_cpu.h"
#include "engine/run/detached_start.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

// Blocking setup calls get this long before the server counts as not answering.
constexpr Duration kSetupLimit = 10s;

std::vector<real::Endpoint> endpoints_or_throw(const std::string& text, std::string_view key) {
  absl::StatusOr<std::vector<real::Endpoint>> e = real::parse_endpoints(text);
  if (!e.ok())
    throw std::runtime_error("real." + std::string(key) + ": " + std::string(e.status().message()));
  return *std::move(e);
}

// The value of `field` in an INFO reply ("field:value" lines), or empty.
std::string info_field(std::string_view info, std::string_view field) {
  std::size_t at = 0;
  while (at < info.size()) {
    std::size_t end = info.find('\n', at);
    if (end == std::string_view::npos) end = info.size();
    std::string_view line = info.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > field.size() && line.substr(0, field.size()) == field &&
        line[field.size()] == ':') {
      return std::string(line.substr(field.size() + 1));
    }
    at = end + 1;
  }
  return {};
}

const char* appendfsync_name(sim::RedisCosts::Appendfsync a) {
  switch (a) {
    case sim::RedisCosts::Appendfsync::no:
      return "no";
    case sim::RedisCosts::Appendfsync::everysec:
      return "everysec";
    case sim::RedisCosts::Appendfsync::always:
      return "always";
    case sim::RedisCosts::Appendfsync::off:
      break;  // no AOF: appendonly no
  }
  return "everysec";
}

}  // namespace

RealWorld::RealWorld(const Scenario& scenario, int log_consumers,
                     const std::function<void(const std::string&)>& say)
    : runtime_(io_) {
  const RealServers& servers = scenario.real;
  real::RedisOptions redis;
  redis.cluster = !servers.redis_cluster.empty();
  redis.nodes = endpoints_or_throw(redis.cluster ? servers.redis_cluster : servers.redis,
                                   redis.cluster ? "redis_cluster" : "redis");
  redis.connections_per_node = servers.redis_connections;
  redis.timeout = std::chrono::milliseconds(
      static_cast<std::int64_t>(std::max(1.0, scenario.costs.redis.timeout_ms)));
  state_reader_.redis = redis.nodes;
  state_reader_.cluster = redis.cluster;
  state_reader_.pg_conninfo = servers.pg;
  redis_ = std::make_unique<real::RedisClient>(runtime_, std::move(redis));

  real::PostgresOptions pg;
  pg.conninfo = servers.pg;
  if (!scenario.costs.postgres.synchronous_commit) {
    pg.conninfo += " options='-c synchronous_commit=off'";
  }
  pg.connections = servers.pg_connections;
  pg.pool_timeout = std::chrono::milliseconds(
      static_cast<std::int64_t>(std::max(1.0, scenario.costs.postgres.pool_timeout_ms)));
  postgres_ = std::make_unique<real::PostgresClient>(runtime_, std::move(pg));

  real::StreamLogOptions log;
  log.partitions = static_cast<std::uint32_t>(scenario.costs.kafka.partitions);
  log.consumers = static_cast<std::uint32_t>(std::max(1, log_consumers));
  log.max_poll_records = static_cast<std::uint32_t>(scenario.costs.kafka.max_poll_records);
  log.poll_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(scenario.costs.kafka.poll_timeout_ms));
  log_ = std::make_unique<real::RedisStreamLog>(runtime_, *redis_, log);

  // PostgreSQL's CPU time is read from /proc when the server is on this machine: its
  // postmaster is the parent of the backend serving us.
  const int backend = std::atoi(postgres_->query_value("SELECT pg_backend_pid()").c_str());
  if (const std::optional<int> parent = real::parent_pid(backend)) postmaster_pid_ = *parent;

  state_reader_.pg_name = postgres_->name();
  const std::string schema = postgres_->create_schema();
  if (!schema.empty()) say(schema + "\n");
  postgres_->truncate();
  prepare_redis(scenario.costs.redis);
  log_->reset();
}

RealWorld::~RealWorld() = default;

void RealWorld::prepare_redis(const sim::RedisCosts& costs) {
  const bool aof = costs.appendfsync != sim::RedisCosts::Appendfsync::off;
  for (int n = 0; n < static_cast<int>(redis_->nodes().size()); ++n) {
    const std::string where = "redis " + redis_->nodes()[n].text();
    auto run = [&](std::vector<std::string> argv) {
      real::RedisResult r = runtime_.block_on(redis_->command_on(n, argv), kSetupLimit);
      if (r.status != ReplyStatus::ok) throw real::BackendError(where, r.error);
      if (r.reply && r.reply->type == REDIS_REPLY_ERROR) {
        throw real::BackendError(where, argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + ": " +
                                            std::string(r.reply->str, r.reply->len));
      }
    };
    run({"FLUSHALL"});
    run({"CONFIG", "SET", "appendonly", aof ? "yes" : "no"});
    if (aof) run({"CONFIG", "SET", "appendfsync", appendfsync_name(costs.appendfsync)});
    run({"CONFIG", "SET", "save", ""});
    // So that a node restarted after kill -9 comes back with the same persistence.
    run({"CONFIG", "REWRITE"});
  }
}

StrategyContext RealWorld::context(std::uint64_t seed) {
  StrategyContext ctx;
  ctx.runtime = &runtime_;
  ctx.kv = Kv(*redis_);
  ctx.db = Db(*postgres_);
  ctx.log = Log(*log_);
  ctx.seed = seed;
  return ctx;
}

void RealWorld::start_clock() {
  cpu_at_start_.clear();
  for (int n = 0; n < static_cast<int>(redis_->nodes().size()); ++n) {
    cpu_at_start_.push_back(redis_cpu_seconds(n));
  }
  pg_cpu_at_start_ = postgres_cpu_seconds();
  runtime_.restart_clock();
}

std::optional<double> RealWorld::postgres_cpu_seconds() {
  if (postmaster_pid_ <= 0) return std::nullopt;
  return real::process_tree_cpu_seconds(postmaster_pid_, "postgres");
}

bool RealWorld::run_until(absl::FunctionRef<bool()> done, Time limit, StrategyProgress* progress) {
  // In slices, so the progress line moves while the servers work.
  for (;;) {
    const Time slice_end = std::min(limit, runtime_.now() + 100ms);
    const bool reached = runtime_.run_until(done, slice_end);
    if (progress) {
      progress->simulated_ns.store(runtime_.now().count(), std::memory_order_relaxed);
    }
    if (reached) return true;
    if (runtime_.now() >= limit) return false;
  }
}

void RealWorld::sample_gauges(TimeSeries& series, Time now) {
  std::size_t in_flight = 0;
  for (int n = 0; n < static_cast<int>(redis_->nodes().size()); ++n) {
    in_flight = std::max(in_flight, redis_->in_flight(n));
  }
  series.set_gauge("redis_max_queue", now, static_cast<double>(in_flight));
  series.set_gauge("db_busy_connections", now, static_cast<double>(postgres_->busy_connections()));
  max_log_lag_ = std::max(max_log_lag_, log_->lag());
  series.set_gauge("log_lag", now, static_cast<double>(log_->lag()));
}

double RealWorld::redis_cpu_seconds(int node) {
  real::RedisResult r = runtime_.block_on(redis_->command_on(node, {"INFO", "cpu"}), kSetupLimit);
  if (r.status != ReplyStatus::ok || !r.reply || r.reply->type != REDIS_REPLY_STRING) return 0;
  const std::string_view info(r.reply->str, r.reply->len);
  return std::atof(info_field(info, "used_cpu_user").c_str()) +
         std::atof(info_field(info, "used_cpu_sys").c_str());
}

void RealWorld::finish(std::vector<std::string>& warnings) {
  cpu_used_.clear();
  for (int n = 0; n < static_cast<int>(redis_->nodes().size()); ++n) {
    const double before = n < static_cast<int>(cpu_at_start_.size()) ? cpu_at_start_[n] : 0;
    // A node restarted mid-run starts its CPU count again from 0.
    const double now = redis_cpu_seconds(n);
    cpu_used_.push_back(now >= before ? now - before : now);
    const auto& s = redis_->node_stats(n);
    if (s.failures > 0) {
      warnings.push_back("redis " + redis_->nodes()[n].text() + ": " + std::to_string(s.failures) +
                         " commands failed (timeout or server unavailable)");
    }
  }
  if (const std::optional<double> pg = postgres_cpu_seconds(); pg && pg_cpu_at_start_) {
    pg_cpu_used_ = std::max(0.0, *pg - *pg_cpu_at_start_);
  }
  if (postgres_->stats().failures > 0) {
    warnings.push_back(postgres_->name() + ": " + std::to_string(postgres_->stats().failures) +
                       " calls failed (timeout, server unavailable or error)");
  }
}

BackendState RealWorld::read_state() { return real::read_backend_state(state_reader_); }

void RealWorld::backend_figures(BackendFigures& out, Time elapsed) const {
  const double elapsed_s = std::max(1e-9, to_seconds(elapsed));
  for (int n = 0; n < static_cast<int>(redis_->nodes().size()); ++n) {
    const auto& s = redis_->node_stats(n);
    RedisNodeFigures f;
    f.node = n;
    f.utilisation = n < static_cast<int>(cpu_used_.size()) ? cpu_used_[n] / elapsed_s : 0;
    f.commands = s.commands;
    f.max_queue = s.max_in_flight;
    out.redis_busiest_node_utilisation =
        std::max(out.redis_busiest_node_utilisation, f.utilisation);
    out.redis_nodes.push_back(f);
  }
  // Busy CPU over all of this machine's cores (the server's own share is not knowable).
  out.db_cpu_utilisation =
      pg_cpu_used_ / (elapsed_s * static_cast<double>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN))));
  out.db_statements = postgres_->stats().statements;
  out.db_rejected = postgres_->stats().rejected;
  out.log_lag_max = max_log_lag_;
}

std::uint64_t RealWorld::events() const {
  std::uint64_t n = postgres_->stats().calls;
  for (int i = 0; i < static_cast<int>(redis_->nodes().size()); ++i) {
    n += redis_->node_stats(i).commands;
  }
  return n;
}

Task<bool> RealWorld::crash_redis_node(int node, Duration down_for) {
  const int nodes = static_cast<int>(redis_->nodes().size());
  if (node < 0 || node >= nodes) {
    throw std::runtime_error("fault redis_node_crash: target " + std::to_string(node) +
                             ", but the Redis deployment has " + std::to_string(nodes) +
                             " node(s) (0.." + std::to_string(nodes - 1) + ")");
  }
  const std::string where = "redis " + redis_->nodes()[node].text();
  // The process and how to start it again: its pid and config file, from the server itself.
  // (GCC 12: no braced lists inside a co_await expression, so the arguments are locals.)
  std::vector<std::string> info_args{"INFO", "server"};
  real::RedisResult info = co_await redis_->command_on(node, std::move(info_args));
  if (info.status != ReplyStatus::ok || !info.reply || info.reply->type != REDIS_REPLY_STRING) {
    throw real::BackendError(where, "cannot read INFO server to crash it: " + info.error);
  }
  const std::string_view text(info.reply->str, info.reply->len);
  const int pid = std::atoi(info_field(text, "process_id").c_str());
  const std::string config = info_field(text, "config_file");
  if (pid <= 0 || config.empty()) {
    throw real::BackendError(where,
                             "has no pid or config file to restart it with (start it "
                             "with scripts/backends)");
  }
  if (::kill(pid, SIGKILL) != 0) {
    throw real::BackendError(where, "kill -9 " + std::to_string(pid) + " failed (not ours?)");
  }
  co_await runtime_.sleep_for(down_for);
  // daemonize yes: redis-server forks and returns at once; the client reconnects by itself.
  // Not std::system: the daemon must not inherit our descriptors (detached_start.h).
  if (!start_detached({"redis-server", config})) {
    throw real::BackendError(where, "restart failed: redis-server " + config);
  }
  // Up once it answers PING (not -LOADING while it replays its AOF).
  const Time give_up = runtime_.now() + 30s;
  for (;;) {
    std::vector<std::string> ping_args{"PING"};
    real::RedisResult ping = co_await redis_->command_on(node, std::move(ping_args));
    const bool up =
        ping.status == ReplyStatus::ok && ping.reply && ping.reply->type == REDIS_REPLY_STATUS;
    if (up) break;
    if (runtime_.now() > give_up) throw real::BackendError(where, "did not come back in 30 s");
    co_await runtime_.sleep_for(50ms);
  }
  co_return true;
}

}  // namespace likesim
