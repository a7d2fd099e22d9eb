// Scenario: everything one run needs, as loaded from a TOML file (scenario_loader.h).
//
//   name = "celebrity"           seed = 42          duration_s = 180
//   [workload] ...               [backends.redis] ...   [strategy.sharded_counter] ...
//   [[fault]] at_s = 60  kind = "app_server_crash"  strategy = "write_buffered"  target = 0
//   [[fault]] at_s = 30  kind = "backend_slowdown"  backend = "redis"  factor = 10  for_s = 20
//   [real] redis = "127.0.0.1:7001"  pg = "host=127.0.0.1 port=5433 dbname=likesim"
//   [slo] like_p99_ms = 200  count_p99_ms = 50  staleness_p99_ms = 5000  lost_likes = 0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/backends/sim/cost_model.h"
#include "strategies/strategy_config.h"
#include "workloads/workload_config.h"

namespace likesim {

enum class FaultKind : std::uint8_t {
  app_server_crash,
  consumer_crash,
  redis_node_crash,
  backend_slowdown,
};

// The backend a backend_slowdown fault slows.
enum class SlowBackend : std::uint8_t { redis, postgres };

struct FaultSpec {
  double at_s = 0;
  FaultKind kind = FaultKind::app_server_crash;
  std::string strategy;   // a strategy's name; empty = every strategy that has the component
  int target = 0;         // app server, consumer or Redis node index
  double down_for_s = 2;  // redis_node_crash: kill -9, then restart this much later
  // backend_slowdown: every service time of `backend` (all its nodes) is `factor` times
  // longer for for_s seconds (0 = to the end of the run; a GC pause, a noisy neighbour, a
  // failing disk), in simulation: a real run warns that it was not applied.
  SlowBackend backend = SlowBackend::redis;
  double factor = 10;
  double for_s = 10;
};

// Where the real servers are (--backend real); the defaults are what scripts/backends starts.
struct RealServers {
  std::string redis = "127.0.0.1:7001";  // Kv (unless redis_cluster is set) and the stream log
  std::string redis_cluster;             // "host:port,...": Kv on a Redis Cluster
  std::string pg = "host=127.0.0.1 port=5433 dbname=likesim user=likesim";
  int redis_connections = 4;  // per node
  int pg_connections = 16;
};

// One service-level objective: `metric` must be <= `limit`.
struct SloSpec {
  std::string name;  // the scenario key, e.g. "like_p99_ms"
  double limit = 0;
};

struct Scenario {
  std::string file;  // where it was loaded from, for messages
  // FNV-1a 64 (hex) of the scenario as resolved: the file with a cost file's values and the
  // --set overrides laid over it. Equal for the same configuration wherever the file lives;
  // `likesim gate` refuses to compare reports of different ones.
  std::string config_hash;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  double duration_s = 60;
  double warmup_s = 0;          // excluded from latency figures and SLOs
  double drain_timeout_s = 60;  // the drain must finish within this much simulated time
  double interval_ms = 100;     // time-series resolution
  WorkloadConfig workload;
  sim::CostModel costs;
  RealServers real;
  std::vector<StrategyConfig> strategies;  // in file order
  std::vector<FaultSpec> faults;
  std::vector<SloSpec> slos;
};

// The SLO metrics a scenario may name, with what they measure.
//   like_p99_ms, like_p999_ms, count_p99_ms, status_p99_ms   latency from intended send time
//   staleness_p99_ms                                          of count reads
//   drift_abs_max                                             |reported - true| over all reads
//   lost_likes, double_counts, dedup_violations               from the final check
//   lost_unlikes, posts_wrong                                  from the final check
//   wrong_answers                                              answers contradicting the truth
//   error_rate                                                failed / all operations
bool is_known_slo(const std::string& name);

}  // namespace likesim
