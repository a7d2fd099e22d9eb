// The like API's semantics (seed 002: 200 / 409 / 404), for every strategy and dedup method,
// against the simulated servers: a duplicate like is refused, an unlike of a like that does
// not exist is refused, status follows, and after the drain the stored count is exact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/run/sim_world.h"
#include "strategies/strategy_factory.h"

namespace likesim {
namespace {

struct Case {
  std::string label;
  StrategyConfig config;
  bool approximate;  // what count() says about its answer
};

std::vector<Case> cases() {
  std::vector<Case> out;
  auto add = [&](std::string label, std::string kind, StrategyKnobs knobs, bool approximate) {
    out.push_back({std::move(label), StrategyConfig{kind, kind, std::move(knobs)}, approximate});
  };
  add("count_query", "count_query", CountQueryKnobs{}, false);
  add("single_counter_db", "single_counter", SingleCounterKnobs{}, false);
  for (DedupMethod d : {DedupMethod::db_unique, DedupMethod::redis_set, DedupMethod::bloom,
                        DedupMethod::lua_atomic}) {
    SingleCounterKnobs k;
    k.store = CounterStore::redis;
    k.dedup = d;
    add("single_counter_redis_" + std::string(dedup_name(d)), "single_counter", k, false);
  }
  for (DedupMethod d : {DedupMethod::redis_set, DedupMethod::bloom}) {
    SingleCounterKnobs k;
    k.store = CounterStore::db;
    k.dedup = d;
    add("single_counter_db_" + std::string(dedup_name(d)), "single_counter", k, false);
  }
  for (DedupMethod d : {DedupMethod::redis_set, DedupMethod::bloom, DedupMethod::lua_atomic}) {
    ShardedCounterKnobs k;
    k.shards = 8;
    k.dedup = d;
    add("sharded_" + std::string(dedup_name(d)), "sharded_counter", k, false);
  }
  {
    ShardedCounterKnobs k;
    k.shards = 4;
    k.dedup_shards = 4;
    k.pick = ShardPick::user_hash;
    k.cache_ttl_ms = 50;
    add("sharded_cached_split_set", "sharded_counter", k, true);
    k.cache_ttl_ms = 0;
    k.adaptive = true;
    k.hot_likes_per_s = 2;
    k.cool_likes_per_s = 1;
    add("sharded_adaptive", "sharded_counter", k, false);
  }
  for (CounterStore store : {CounterStore::redis, CounterStore::db}) {
    WriteBufferedKnobs k;
    k.store = store;
    k.app_servers = 3;
    k.flush_interval_ms = 20;
    add(std::string("write_buffered_") + (store == CounterStore::db ? "db" : "redis"),
        "write_buffered", k, true);
  }
  for (DedupMethod d : {DedupMethod::db_unique, DedupMethod::bloom}) {
    WriteBufferedKnobs k;
    k.dedup = d;
    k.flush_interval_ms = 20;
    add("write_buffered_redis_" + std::string(dedup_name(d)), "write_buffered", k, true);
  }
  {
    AsyncLogKnobs k;
    k.dedup = DedupMethod::bloom;
    k.consumers = 2;
    add("async_log_bloom", "async_log", k, true);
  }
  for (bool idempotent : {true, false}) {
    AsyncLogKnobs k;
    k.idempotent = idempotent;
    k.consumers = 2;
    add(std::string("async_log_") + (idempotent ? "idempotent" : "at_least_once"), "async_log", k,
        true);
  }
  {
    AsyncLogKnobs k;
    k.dedup = DedupMethod::redis_set;
    k.dedup_shards = 3;
    add("async_log_redis_set", "async_log", k, true);
  }
  return out;
}

class StrategySemantics : public ::testing::TestWithParam<Case> {
 protected:
  StrategySemantics() : world_(costs(), 1, 2) {
    strategy_ = make_strategy(GetParam().config, world_.context(1));
    strategy_->start();
  }
  static sim::CostModel costs() {
    sim::CostModel c;
    c.redis.nodes = 3;
    return c;
  }
  // Runs `task` to completion in virtual time (background loops keep running).
  void run(Task<void> task) {
    bool done = false;
    world_.runtime().spawn(wrap(std::move(task), done));
    Scheduler& s = world_.scheduler();
    while (!done && !s.empty() && s.now() < 3600s) s.run_one();
    ASSERT_TRUE(done) << "the operation never finished";
    ASSERT_FALSE(world_.runtime().first_error()) << describe(world_.runtime().first_error());
  }
  static Task<void> wrap(Task<void> task, bool& done) {
    co_await std::move(task);
    done = true;
  }
  Request like(PostId post, UserId user) {
    return Request{world_.runtime().now(), ++next_id_, post, user, Op::like, 0, false};
  }
  Request unlike(PostId post, UserId user) {
    Request r = like(post, user);
    r.op = Op::unlike;
    return r;
  }

  SimWorld world_;
  std::unique_ptr<Strategy> strategy_;
  RequestId next_id_ = 0;
};

TEST_P(StrategySemantics, LikeUnlikeStatusAndExactCountAfterDrain) {
  std::vector<LikeResult> likes;
  std::vector<UnlikeResult> unlikes;
  std::vector<bool> statuses;
  std::int64_t exact_7 = -1, exact_8 = -1, exact_9 = -1;
  CountResult counted;
  BatchCountResult page;
  Strategy& s = *strategy_;
  auto script = [&]() -> Task<void> {
    likes.push_back(co_await s.like(like(7, 100)));        // ok
    likes.push_back(co_await s.like(like(7, 100)));        // already_liked (409)
    likes.push_back(co_await s.like(like(7, 101)));        // ok
    likes.push_back(co_await s.like(like(8, 100)));        // ok: another post
    unlikes.push_back(co_await s.unlike(unlike(7, 555)));  // not_liked (404)
    unlikes.push_back(co_await s.unlike(unlike(7, 101)));  // ok
    unlikes.push_back(co_await s.unlike(unlike(7, 101)));  // not_liked: already undone
    for (UserId u = 200; u < 230; ++u) {
      LikeResult r = co_await s.like(like(9, u));
      likes.push_back(r);
    }
    StatusResult st = co_await s.status(7, 100);
    statuses.push_back(st.liked);
    st = co_await s.status(7, 101);
    statuses.push_back(st.liked);
    co_await s.drain();
    exact_7 = co_await s.exact_count(7);
    exact_8 = co_await s.exact_count(8);
    exact_9 = co_await s.exact_count(9);
    co_await world_.runtime().sleep_for(200ms);  // past any cache TTL
    counted = co_await s.count(9);
    Request r = like(7, 100);
    r.op = Op::batch_count;
    r.batch = 3;
    page = co_await s.batch_count(r);
  };
  run(script());

  ASSERT_EQ(likes.size(), 34u);
  EXPECT_EQ(likes[0], LikeResult::ok);
  EXPECT_EQ(likes[1], LikeResult::already_liked);
  EXPECT_EQ(likes[2], LikeResult::ok);
  EXPECT_EQ(likes[3], LikeResult::ok);
  for (std::size_t i = 4; i < likes.size(); ++i) EXPECT_EQ(likes[i], LikeResult::ok) << i;
  EXPECT_EQ(unlikes, (std::vector<UnlikeResult>{UnlikeResult::not_liked, UnlikeResult::ok,
                                                UnlikeResult::not_liked}));
  EXPECT_EQ(statuses, (std::vector<bool>{true, false}));
  EXPECT_EQ(exact_7, 1);
  EXPECT_EQ(exact_8, 1);
  EXPECT_EQ(exact_9, 30);
  EXPECT_TRUE(counted.ok);
  EXPECT_EQ(counted.count, 30);
  EXPECT_EQ(counted.approximate, GetParam().approximate);
  ASSERT_TRUE(page.ok);
  ASSERT_EQ(page.n, 3);
  EXPECT_EQ(page.counts[0], 1);
  EXPECT_EQ(page.counts[1], 1);
  EXPECT_EQ(page.counts[2], 30);
  EXPECT_TRUE(page.liked[0]);
  EXPECT_TRUE(page.liked[1]);
  EXPECT_FALSE(page.liked[2]);
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
    during = co_await s->exact_count(5);
    for (int i = 0; i < 6; ++i) {  // 1 like/s for 6 s: cool
      const LikeResult r = co_await s->like(Request{rt.now(), user, 5, user, Op::like, 0, false});
      ok += r == LikeResult::ok;
      ++user;
      co_await rt.sleep_for(1s);
    }
    after = co_await s->exact_count(5);
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
