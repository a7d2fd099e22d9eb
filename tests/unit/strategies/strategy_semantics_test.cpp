// StrategySemantics (strategy_semantics.h) in the simulated world, and adaptive sharding.
#include "tests/unit/strategies/strategy_semantics.h"

#include <gtest/gtest.h>

#include "engine/run/strategy_run.h"

namespace likesim {

// Default costs, 3 Redis nodes.
std::unique_ptr<World> make_semantics_world(const StrategyConfig& config) {
  sim::CostModel costs;
  costs.redis.nodes = 3;
  return std::make_unique<SimWorld>(costs, 1, StrategyRun::log_consumers_of(config));
}

namespace {

// A sharded counter's stored count, read from the world's servers (as the final check does).
std::int64_t stored_count(SimWorld& world, const ShardedCounterKnobs& k, PostId post) {
  BackendState state = world.read_state();
  StrategyStorage where({"adaptive", "sharded_counter", k});
  where.index(state);
  return where.count(state, post);
}

double figure(const Strategy& s, std::string_view name) {
  std::vector<Strategy::Figure> figures;
  s.figures(figures);
  for (const auto& f : figures) {
    if (f.name == name) return f.value;
  }
  return -1;
}

// Adaptive sharding (seed 002 §6.2): a post liked faster than hot_likes_per_s moves to K
// shards, folds back when it cools, and its count stays exact through both moves.
TEST(ShardedCounterAdaptive, ShardsAHotPostAndFoldsItBackWithoutLosingLikes) {
  sim::CostModel costs;
  costs.redis.nodes = 3;
  SimWorld world(costs, 1, 1);
  ShardedCounterKnobs k;
  k.shards = 8;
  k.adaptive = true;
  k.hot_likes_per_s = 50;
  k.cool_likes_per_s = 5;
  std::unique_ptr<Strategy> s = make_strategy({"adaptive", "sharded_counter", k}, world.context(1));
  Runtime& rt = world.runtime();
  std::int64_t during = -1, after = -1;
  std::uint64_t ok = 0;
  auto script = [&]() -> Task<void> {
    UserId user = 1;
    for (int i = 0; i < 300; ++i) {  // 100 likes/s for 3 s: hot
      const LikeResult r = co_await s->like(Request{rt.now(), user, 5, user, Op::like, 0, false});
      ok += r == LikeResult::ok;
      ++user;
      co_await rt.sleep_for(10ms);
    }
    during = stored_count(world, k, 5);
    for (int i = 0; i < 6; ++i) {  // 1 like/s for 6 s: cool
      const LikeResult r = co_await s->like(Request{rt.now(), user, 5, user, Op::like, 0, false});
      ok += r == LikeResult::ok;
      ++user;
      co_await rt.sleep_for(1s);
    }
    after = stored_count(world, k, 5);
  };
  bool finished = false;
  auto wrapper = [&]() -> Task<void> {
    co_await script();
    finished = true;
  };
  rt.spawn(wrapper());
  world.scheduler().run();
  ASSERT_TRUE(finished);
  EXPECT_EQ(ok, 306u);
  EXPECT_EQ(during, 300);
  EXPECT_EQ(after, 306);
  EXPECT_EQ(figure(*s, "posts_sharded"), 1.0);
  EXPECT_EQ(figure(*s, "folds"), 1.0);
}

INSTANTIATE_TEST_SUITE_P(AllStrategies, StrategySemantics, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.label;
                         });

}  // namespace
}  // namespace likesim
