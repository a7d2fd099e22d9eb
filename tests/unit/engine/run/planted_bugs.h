// Test-only strategies with planted bugs: each wraps a real strategy (single_counter with its
// counter and like sets in Redis) and breaks it in one way the checker must catch. They talk to
// the same simulated Redis as the strategy they wrap, through the world's context.
#pragma once

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "engine/run/sim_world.h"
#include "strategies/strategy_factory.h"

namespace likesim::planted {

// The configuration every planted bug wraps: one counter and one like set per post, in Redis.
inline StrategyConfig redis_counter_config() {
  SingleCounterKnobs k;
  k.store = CounterStore::redis;
  k.dedup = DedupMethod::redis_set;
  return StrategyConfig{"planted", "single_counter", k};
}

// Forwards everything to the real strategy.
class Forwarding : public Strategy {
 public:
  Forwarding(std::unique_ptr<Strategy> inner, const StrategyContext& ctx)
      : inner_(std::move(inner)), kv_(ctx.kv) {}
  Task<LikeResult> like(Request r) override { return inner_->like(r); }
  Task<UnlikeResult> unlike(Request r) override { return inner_->unlike(r); }
  Task<CountResult> count(PostId post) override { return inner_->count(post); }
  Task<StatusResult> status(PostId post, UserId user) override {
    return inner_->status(post, user);
  }
  Task<BatchCountResult> batch_count(Request r) override { return inner_->batch_count(r); }
  void start() override { inner_->start(); }
  Task<void> drain() override { return inner_->drain(); }
  void stop() override { inner_->stop(); }
  void figures(std::vector<Figure>& out) const override { inner_->figures(out); }
  // What the bug did, copied out of a run's strategy before the run destroys it.
  void copy_flags(const Forwarding&) {}

 protected:
  std::unique_ptr<Strategy> inner_;
  Kv kv_;
};

// (a) Answers 409 already_liked to every like by a user whose id is a multiple of 7, without
// asking the store: the like never happened, so the counts stay right, and only a check of the
// answer against the truth can see it.
class RefusesSomeNewLikes final : public Forwarding {
 public:
  using Forwarding::Forwarding;
  Task<LikeResult> like(Request r) override {
    if (r.user % 7 == 0) co_return LikeResult::already_liked;
    const LikeResult v = co_await inner_->like(r);
    co_return v;
  }
};

// A post no workload touches: increments there land on a post nobody liked.
inline constexpr PostId kWrongPostOffset = 1'000'000;

// (b) The first accepted like has its increment moved to another post (post + 1'000'000,
// which nobody likes): the right post's counter is one short, the other holds one count.
class CountsOnTheWrongPost final : public Forwarding {
 public:
  using Forwarding::Forwarding;
  Task<LikeResult> like(Request r) override {
    const LikeResult v = co_await inner_->like(r);
    if (v == LikeResult::ok && !moved_) {
      moved_ = true;
      const KvReply back = co_await kv_.incr_by(KeyId::counter(r.post), -1);
      const KvReply there = co_await kv_.incr_by(KeyId::counter(r.post + kWrongPostOffset), +1);
      (void)back;
      (void)there;
      victim_ = r.post;
    }
    co_return v;
  }
  void copy_flags(const CountsOnTheWrongPost& o) {
    moved_ = o.moved_;
    victim_ = o.victim_;
  }
  bool moved_ = false;
  PostId victim_ = 0;
};

// (d) On the first post that gets two likes: the first is answered ok but never stored (lost),
// the second is stored and counted twice (double). The post's net count is right.
class LosesOneDoublesAnother final : public Forwarding {
 public:
  using Forwarding::Forwarding;
  Task<LikeResult> like(Request r) override {
    if (done_) {
      const LikeResult v = co_await inner_->like(r);
      co_return v;
    }
    if (!lost_user_) {
      lost_user_ = r.user;
      victim_ = r.post;
      co_return LikeResult::ok;  // never stored
    }
    if (r.post != victim_ || r.user == *lost_user_) {
      const LikeResult v = co_await inner_->like(r);
      co_return v;
    }
    const LikeResult v = co_await inner_->like(r);
    if (v == LikeResult::ok) {
      done_ = true;
      const KvReply again = co_await kv_.incr_by(KeyId::counter(r.post), +1);  // counted twice
      (void)again;
    }
    co_return v;
  }
  void copy_flags(const LosesOneDoublesAnother& o) {
    lost_user_ = o.lost_user_;
    victim_ = o.victim_;
    done_ = o.done_;
  }
  std::optional<UserId> lost_user_;
  PostId victim_ = 0;
  bool done_ = false;
};

// (c) A world whose backends cannot be read after the run: every call goes to a SimWorld, but
// read_state() fails, as a real server that stopped answering would.
class UnreadableWorld final : public World {
 public:
  explicit UnreadableWorld(SimWorld& inner) : inner_(inner) {}
  Runtime& runtime() override { return inner_.runtime(); }
  StrategyContext context(std::uint64_t seed) override { return inner_.context(seed); }
  bool run_until(absl::FunctionRef<bool()> done, Time limit, StrategyProgress* p) override {
    return inner_.run_until(done, limit, p);
  }
  void sample_gauges(TimeSeries& series, Time now) override { inner_.sample_gauges(series, now); }
  void backend_figures(BackendFigures& out, Time elapsed) const override {
    inner_.backend_figures(out, elapsed);
  }
  BackendState read_state() override {
    throw std::runtime_error("redis sim:0: final check: cannot read the state (planted)");
  }
  std::uint64_t events() const override { return inner_.events(); }
  Task<bool> crash_redis_node(int node, Duration d) override {
    return inner_.crash_redis_node(node, d);
  }
  std::string kind() const override { return "sim"; }

 private:
  SimWorld& inner_;
};

}  // namespace likesim::planted
