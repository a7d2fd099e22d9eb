// RealWorld: one strategy's deployment on real servers — Redis (one node or a Cluster) for Kv
// and the stream log, PostgreSQL for Db — driven by an Asio event loop in wall-clock time.
//
// Construction connects (a server that cannot be reached or refuses the login throws
// BackendError naming its address), applies the scenario's persistence settings
// (appendfsync via CONFIG SET + CONFIG REWRITE, so a restarted node keeps them;
// synchronous_commit per connection), creates the schema if missing (and says so through
// `say`), and empties what a previous strategy left: FLUSHALL, TRUNCATE, the log's streams.
//
//   RealWorld world(scenario, /*log_consumers=*/4, [](const std::string& s) { std::cerr << s; });
//   StrategyRun run(scenario, config, world, &progress);
//   StrategyReport report = run.run();
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/backends/real/asio_runtime.h"
#include "engine/backends/real/backend_state_reader.h"
#include "engine/backends/real/postgres_client.h"
#include "engine/backends/real/redis_client.h"
#include "engine/backends/real/redis_stream_log.h"
#include "engine/run/world.h"
#include "engine/scenario/scenario.h"

namespace likesim {

class RealWorld final : public World {
 public:
  RealWorld(const Scenario& scenario, int log_consumers,
            const std::function<void(const std::string&)>& say);
  ~RealWorld() override;

  Runtime& runtime() override { return runtime_; }
  StrategyContext context(std::uint64_t seed) override;
  bool run_until(absl::FunctionRef<bool()> done, Time limit, StrategyProgress* progress) override;
  void sample_gauges(TimeSeries& series, Time now) override;
  void backend_figures(BackendFigures& out, Time elapsed) const override;
  std::uint64_t events() const override;
  Task<bool> crash_redis_node(int node, Duration down_for) override;
  void start_clock() override;
  void finish(std::vector<std::string>& warnings) override;
  // Reads the servers with a reader of its own (backend_state_reader.h), with retries.
  BackendState read_state() override;
  std::string kind() const override { return "real"; }

  real::AsioRuntime& asio_runtime() { return runtime_; }
  real::RedisClient& redis() { return *redis_; }
  real::PostgresClient& postgres() { return *postgres_; }
  real::RedisStreamLog& log() { return *log_; }

 private:
  // Seconds of CPU the Redis node has used (INFO cpu), for its utilisation.
  double redis_cpu_seconds(int node);
  // Seconds of CPU PostgreSQL's processes have used, when it runs on this machine.
  std::optional<double> postgres_cpu_seconds();
  void prepare_redis(const sim::RedisCosts& costs);

  // One thread runs everything (AsioRuntime): no locking inside Asio.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE};
  real::AsioRuntime runtime_;
  std::unique_ptr<real::RedisClient> redis_;
  std::unique_ptr<real::PostgresClient> postgres_;
  std::unique_ptr<real::RedisStreamLog> log_;
  real::StateReaderOptions state_reader_;  // the same servers, for the final check
  std::vector<double> cpu_at_start_;
  std::vector<double> cpu_used_;  // per node, over the run (finish())
  int postmaster_pid_ = 0;        // 0: PostgreSQL is not on this machine
  std::optional<double> pg_cpu_at_start_;
  double pg_cpu_used_ = 0;
  std::int64_t max_log_lag_ = 0;
};

}  // namespace likesim
