// StrategyHarness: one strategy in one simulated world, driven step by step from a test.
//
// The world's Redis, PostgreSQL and Kafka sit behind forwarding fault-injecting wrappers, so a
// test can inspect what the strategy sent and make a backend fail. Each operation runs to
// completion in virtual time while the strategy's background loops (flushers, consumers) keep
// running; the destructor stops the strategy and lets its loops exit.
//
//   StrategyHarness h;
//   h.make(ShardedCounterKnobs{.shards = 8});
//   EXPECT_EQ(h.like(7, 100), LikeResult::ok);
//   h.drain();
//   EXPECT_EQ(h.exact_count(7), 1);
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string_view>

#include "engine/run/sim_world.h"
#include "engine/run/strategy_storage.h"
#include "strategies/strategy_factory.h"
#include "tests/unit/strategies/fault_injecting_db.h"
#include "tests/unit/strategies/fault_injecting_kv.h"
#include "tests/unit/strategies/fault_injecting_log.h"

namespace likesim {

class StrategyHarness {
 public:
  static sim::CostModel default_costs() {
    sim::CostModel c;
    c.redis.nodes = 3;
    return c;
  }

  explicit StrategyHarness(const sim::CostModel& costs = default_costs(), int log_consumers = 1)
      : world_(costs, 1, log_consumers),
        kv_(world_.redis(), world_.scheduler()),
        db_(world_.postgres(), world_.scheduler()),
        log_(world_.kafka(), world_.scheduler()) {}
  StrategyHarness(const StrategyHarness&) = delete;
  StrategyHarness& operator=(const StrategyHarness&) = delete;

  ~StrategyHarness() {
    if (!strategy_) return;
    strategy_->stop();
    // Flushers wake after their interval, consumers after their poll: then they return.
    Scheduler& s = world_.scheduler();
    const Time limit = s.now() + 10s;
    while (!s.empty() && s.now() < limit) s.run_one();
    EXPECT_TRUE(s.empty()) << "background loops did not exit after stop()";
  }

  StrategyContext context() {
    StrategyContext ctx = world_.context(1);
    ctx.kv = Kv(kv_);
    ctx.db = Db(db_);
    ctx.log = Log(log_);
    return ctx;
  }

  // Builds the strategy the knobs describe (through the factory) and starts it.
  Strategy& make(const StrategyKnobs& knobs) {
    config_ = StrategyConfig{"test", "test", knobs};
    strategy_ = make_strategy(config_, context());
    strategy_->start();
    return *strategy_;
  }
  Strategy& strategy() { return *strategy_; }

  // Runs `task` to completion in virtual time.
  void run(Task<void> task) {
    bool done = false;
    world_.runtime().spawn(finish(std::move(task), done));
    Scheduler& s = world_.scheduler();
    const Time limit = s.now() + 3600s;
    while (!done && !s.empty() && s.now() < limit) s.run_one();
    if (!done) ADD_FAILURE() << "the operation never finished";
    if (world_.runtime().first_error()) {
      ADD_FAILURE() << describe(world_.runtime().first_error());
    }
  }
  // Runs every event before `t`, then sets the clock to `t`.
  void run_until(Time t) { world_.scheduler().run_until(t); }
  Time now() const { return world_.scheduler().now(); }

  Request request(Op op, PostId post, UserId user, RequestId id = 0) {
    return Request{now(), id != 0 ? id : ++next_id_, post, user, op, 0, false};
  }

  LikeResult like(PostId post, UserId user, RequestId id = 0) {
    LikeResult out = LikeResult::failed;
    run(do_like(request(Op::like, post, user, id), &out));
    return out;
  }
  UnlikeResult unlike(PostId post, UserId user, RequestId id = 0) {
    UnlikeResult out = UnlikeResult::failed;
    run(do_unlike(request(Op::unlike, post, user, id), &out));
    return out;
  }
  CountResult count(PostId post) {
    CountResult out;
    run(do_count(post, &out));
    return out;
  }
  StatusResult status(PostId post, UserId user) {
    StatusResult out;
    run(do_status(post, user, &out));
    return out;
  }
  BatchCountResult batch_count(PostId first, int n, UserId user) {
    Request r = request(Op::batch_count, first, user);
    r.batch = static_cast<std::uint8_t>(n);
    BatchCountResult out;
    run(do_batch_count(r, &out));
    return out;
  }
  // The post's count as the backends hold it: read from the simulated servers where the
  // configuration keeps it (StrategyStorage), as the final check does, never the strategy's
  // own account.
  std::int64_t exact_count(PostId post) {
    BackendState state = world_.read_state();
    StrategyStorage where(config_);
    where.index(state);
    return where.count(state, post);
  }
  void drain() { run(strategy_->drain()); }

  // Starts a like without waiting for it; its answer lands in spawned_likes() in start order.
  void spawn_like(PostId post, UserId user) {
    LikeResult& slot = spawned_.emplace_back(LikeResult::failed);
    world_.runtime().spawn(do_like(request(Op::like, post, user), &slot));
  }
  const std::deque<LikeResult>& spawned_likes() const { return spawned_; }

  double figure(std::string_view name) const {
    std::vector<Strategy::Figure> figures;
    strategy_->figures(figures);
    for (const auto& f : figures) {
      if (f.name == name) return f.value;
    }
    ADD_FAILURE() << "no figure " << name;
    return -1;
  }

  SimWorld& world() { return world_; }
  FaultInjectingKv& kv() { return kv_; }
  FaultInjectingDb& db() { return db_; }
  FaultInjectingLog& log() { return log_; }

 private:
  static Task<void> finish(Task<void> task, bool& done) {
    co_await std::move(task);
    done = true;
  }
  // The awaited value goes to a local first (GCC 12, STYLE.md §7).
  Task<void> do_like(Request r, LikeResult* out) {
    const LikeResult v = co_await strategy_->like(r);
    *out = v;
  }
  Task<void> do_unlike(Request r, UnlikeResult* out) {
    const UnlikeResult v = co_await strategy_->unlike(r);
    *out = v;
  }
  Task<void> do_count(PostId post, CountResult* out) {
    const CountResult v = co_await strategy_->count(post);
    *out = v;
  }
  Task<void> do_status(PostId post, UserId user, StatusResult* out) {
    const StatusResult v = co_await strategy_->status(post, user);
    *out = v;
  }
  Task<void> do_batch_count(Request r, BatchCountResult* out) {
    const BatchCountResult v = co_await strategy_->batch_count(r);
    *out = v;
  }

  SimWorld world_;
  FaultInjectingKv kv_;
  FaultInjectingDb db_;
  FaultInjectingLog log_;
  StrategyConfig config_;
  std::unique_ptr<Strategy> strategy_;
  std::deque<LikeResult> spawned_;
  RequestId next_id_ = 0;
};

}  // namespace likesim
