// SimWorld: one simulated deployment — scheduler, runtime, Redis cluster, PostgreSQL, a log
// (Kafka, or Redis Streams on the Redis nodes: costs.log) — built from a scenario's cost model.
// Each strategy of a run gets its own world, so strategies never share load and can run side by
// side on different threads.
//
//   SimWorld world(scenario.costs, seed, /*log_consumers=*/4);
//   auto strategy = make_strategy(config, world.context(seed));
//   world.scheduler().run_until(10s);
#pragma once

#include <cstdint>

#include "engine/backends/sim/cost_model.h"
#include "engine/backends/sim/kafka_log.h"
#include "engine/backends/sim/postgres_server.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/backends/sim/redis_stream_log.h"
#include "engine/core/runtime.h"
#include "engine/core/scheduler.h"
#include "engine/run/world.h"

namespace likesim {

class SimWorld final : public World {
 public:
  SimWorld(const sim::CostModel& costs, std::uint64_t seed, int log_consumers)
      : runtime_(scheduler_),
        redis_(scheduler_, costs.redis, seed),
        postgres_(scheduler_, costs.postgres, seed),
        kafka_(scheduler_, costs.kafka, log_consumers, seed),
        streams_(runtime_, redis_, costs.kafka, log_consumers),
        log_kind_(costs.log) {}
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  SimRuntime& runtime() override { return runtime_; }
  StrategyContext context(std::uint64_t seed) override {
    StrategyContext ctx;
    ctx.runtime = &runtime_;
    ctx.kv = Kv(redis_);
    ctx.db = Db(postgres_);
    ctx.log = log_kind_ == sim::LogKind::kafka ? Log(kafka_) : Log(streams_);
    ctx.seed = seed;
    return ctx;
  }
  bool run_until(absl::FunctionRef<bool()> done, Time limit, StrategyProgress* progress) override;
  void sample_gauges(TimeSeries& series, Time now) override;
  void backend_figures(BackendFigures& out, Time elapsed) const override;
  BackendState read_state() override;
  Time backends_idle_at() const override { return redis_.idle_at(); }
  std::uint64_t events() const override { return scheduler_.events_processed(); }
  Task<bool> crash_redis_node(int, Duration) override;
  bool slow_down(SlowBackend backend, Time from, Time until, double factor) override;
  std::string kind() const override { return "sim"; }
  void order_users(UserOrder order) override {
    user_order_ = order;
    redis_.order_users(order);
    postgres_.order_users(order);
  }

  Scheduler& scheduler() { return scheduler_; }
  const Scheduler& scheduler() const { return scheduler_; }
  sim::RedisCluster& redis() { return redis_; }
  sim::PostgresServer& postgres() { return postgres_; }
  sim::KafkaLog& kafka() { return kafka_; }
  const sim::RedisCluster& redis() const { return redis_; }
  const sim::PostgresServer& postgres() const { return postgres_; }
  const sim::KafkaLog& kafka() const { return kafka_; }
  sim::RedisStreamLog& streams() { return streams_; }
  const sim::RedisStreamLog& streams() const { return streams_; }
  sim::LogKind log_kind() const { return log_kind_; }

 private:
  Scheduler scheduler_;
  SimRuntime runtime_;
  sim::RedisCluster redis_;
  sim::PostgresServer postgres_;
  sim::KafkaLog kafka_;
  sim::RedisStreamLog streams_;  // the log when log_kind_ is redis_streams (else unused)
  sim::LogKind log_kind_;
  UserOrder user_order_;
};

}  // namespace likesim
