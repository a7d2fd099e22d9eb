// The like API's semantics (seed 002: 200 / 409 / 404), for every strategy and every dedup
// method and knob combination it accepts: a duplicate like is refused, an unlike of a like
// that does not exist is refused, status follows, after the drain the stored count and (past
// any cache TTL) count() are exact, and pages answer every post. A second test runs every kind
// of operation concurrently and counts completions (GCC 12 can drop a continuation, STYLE.md
// §7); TearDown checks the background loops exit after stop().
//
// The same cases run in both worlds: a test binary includes this file, defines
// make_semantics_world() (a SimWorld in tests/unit, a RealWorld in tests/real) and
// instantiates StrategySemantics with cases().
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/run/sim_world.h"
#include "engine/run/strategy_storage.h"
#include "engine/run/world.h"
#include "strategies/strategy_factory.h"

namespace likesim {

// The world a case runs in, for a strategy of this configuration (defined per test binary).
std::unique_ptr<World> make_semantics_world(const StrategyConfig& config);

namespace {

using namespace std::chrono_literals;

struct Case {
  std::string label;
  StrategyConfig config;
  bool approximate;       // what count() says about its answer
  bool page_approximate;  // what batch_count() says (sharded pages skip the read cache)
};

std::string tail(DedupMethod d, int dedup_shards) {
  std::string out(dedup_name(d));
  if (dedup_shards > 1) out += "_x" + std::to_string(dedup_shards);
  return out;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  auto add = [&](std::string label, std::string kind, StrategyKnobs knobs, bool approximate,
                 bool page_approximate) {
    out.push_back({std::move(label), StrategyConfig{kind, kind, std::move(knobs)}, approximate,
                   page_approximate});
  };
  // (dedup, dedup_shards) pairs: redis_set also split over 4 sets by user hash.
  using Dedups = std::vector<std::pair<DedupMethod, int>>;
  const Dedups table_and_sets = {{DedupMethod::db_unique, 1},
                                 {DedupMethod::redis_set, 1},
                                 {DedupMethod::redis_set, 4},
                                 {DedupMethod::bloom, 1}};
  Dedups with_script = table_and_sets;
  with_script.emplace_back(DedupMethod::lua_atomic, 1);

  add("count_query", "count_query", CountQueryKnobs{}, false, false);
  for (CounterStore store : {CounterStore::db, CounterStore::redis}) {
    // lua_atomic counts in Redis: only with store = redis (the loader refuses the other).
    for (const auto& [d, n] : store == CounterStore::redis ? with_script : table_and_sets) {
      SingleCounterKnobs k;
      k.store = store;
      k.dedup = d;
      k.dedup_shards = n;
      add(std::string("single_counter_") + (store == CounterStore::db ? "db_" : "redis_") +
              tail(d, n),
          "single_counter", k, false, false);
    }
  }
  for (const auto& [d, n] : with_script) {
    ShardedCounterKnobs k;
    k.shards = 8;
    k.dedup = d;
    k.dedup_shards = n;
    add("sharded_" + tail(d, n), "sharded_counter", k, false, false);
  }
  // The sharded knobs: adaptive x cache x pick x hash_tag, each with a dedup that fits.
  for (bool adaptive : {false, true}) {
    for (bool cached : {false, true}) {
      for (ShardPick pick : {ShardPick::random, ShardPick::user_hash}) {
        for (bool tag : {false, true}) {
          ShardedCounterKnobs k;
          k.shards = 4;
          k.pick = pick;
          k.hash_tag = tag;
          k.cache_ttl_ms = cached ? 50 : 0;
          k.adaptive = adaptive;
          k.hot_likes_per_s = 2;  // the scripts below are hot enough to shard
          k.cool_likes_per_s = 1;
          k.dedup = tag ? DedupMethod::lua_atomic : DedupMethod::redis_set;
          k.dedup_shards = tag ? 1 : 4;
          add(std::string("sharded_") + (adaptive ? "adaptive_" : "fixed_") +
                  (cached ? "cached_" : "uncached_") +
                  (pick == ShardPick::random ? "random_" : "user_hash_") +
                  (tag ? "tagged_lua" : "untagged_split_set"),
              "sharded_counter", k, cached, false);
        }
      }
    }
  }
  // lua_atomic is refused for write_buffered and async_log (they do not count in the request).
  for (CounterStore store : {CounterStore::redis, CounterStore::db}) {
    for (const auto& [d, n] : table_and_sets) {
      WriteBufferedKnobs k;
      k.store = store;
      k.app_servers = 3;
      k.flush_interval_ms = 20;
      k.dedup = d;
      k.dedup_shards = n;
      add(std::string("write_buffered_") + (store == CounterStore::db ? "db_" : "redis_") +
              tail(d, n),
          "write_buffered", k, true, true);
    }
  }
  for (bool idempotent : {true, false}) {
    for (const auto& [d, n] : table_and_sets) {
      AsyncLogKnobs k;
      k.idempotent = idempotent;
      k.consumers = 2;
      k.dedup = d;
      k.dedup_shards = n;
      add(std::string("async_log_") + (idempotent ? "idempotent_" : "at_least_once_") + tail(d, n),
          "async_log", k, true, true);
    }
  }
  return out;
}

// gtest prints the label instead of the struct's bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.label; }

// The fixture of every case: the world, the strategy built by the factory and started;
// TearDown stops it and checks that its background loops exit.
class StrategySemantics : public ::testing::TestWithParam<Case> {
 protected:
  StrategySemantics() : world_(make_semantics_world(GetParam().config)) {
    strategy_ = make_strategy(GetParam().config, world_->context(1));
    strategy_->start();
  }
  void TearDown() override {
    strategy_->stop();
    // Flushers wake within their interval, consumers within a poll timeout: then they return.
    Runtime& rt = world_->runtime();
    world_->run_until([&] { return rt.live_tasks() == 0; }, rt.now() + 2s, nullptr);
    if (auto* sim = dynamic_cast<SimWorld*>(world_.get())) {
      sim->scheduler().run_until(sim->scheduler().now() + 1s);
      EXPECT_TRUE(sim->scheduler().empty()) << "background loops still scheduled after stop()";
    }
    EXPECT_EQ(rt.live_tasks(), 0u) << "a background loop never returned";
    EXPECT_FALSE(rt.first_error()) << describe(rt.first_error());
  }
  // Runs `task` to completion (background loops keep running).
  void run(Task<void> task) {
    bool done = false;
    Runtime& rt = world_->runtime();
    rt.spawn(wrap(std::move(task), done));
    world_->run_until([&] { return done; }, rt.now() + 60s, nullptr);
    ASSERT_TRUE(done) << "the operation never finished";
    ASSERT_FALSE(rt.first_error()) << describe(rt.first_error());
  }
  static Task<void> wrap(Task<void> task, bool& done) {
    co_await std::move(task);
    done = true;
  }
  Request like(PostId post, UserId user) {
    return Request{world_->runtime().now(), ++next_id_, post, user, Op::like, 0, false};
  }
  Request unlike(PostId post, UserId user) {
    Request r = like(post, user);
    r.op = Op::unlike;
    return r;
  }
  Request page(PostId first, int n, UserId user) {
    Request r = like(first, user);
    r.op = Op::batch_count;
    r.batch = static_cast<std::uint8_t>(n);
    return r;
  }

  // The post's count and likers as the backends hold them, read as the final check reads
  // them (World::read_state + StrategyStorage), never through the strategy.
  std::int64_t stored_count(PostId post) {
    BackendState state = world_->read_state();
    StrategyStorage where(GetParam().config);
    where.index(state);
    return where.count(state, post);
  }
  std::vector<UserId> stored_likers(PostId post) {
    BackendState state = world_->read_state();
    const UserSet* users = StrategyStorage(GetParam().config).likers(state, post);
    std::vector<UserId> out;
    if (users) users->for_each([&](UserId u) { out.push_back(u); });
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<World> world_;
  std::unique_ptr<Strategy> strategy_;
  RequestId next_id_ = 0;
};

TEST_P(StrategySemantics, LikeUnlikeStatusAndExactCountAfterDrain) {
  std::vector<LikeResult> likes;
  std::vector<UnlikeResult> unlikes;
  std::vector<bool> statuses;
  std::int64_t exact_7 = -1, exact_8 = -1, exact_9 = -1;
  CountResult early, counted_7, counted_8, counted_9;
  BatchCountResult page_100, page_200;
  Strategy& s = *strategy_;
  // Every awaited value goes to a local first (GCC 12, STYLE.md §7).
  auto script = [&]() -> Task<void> {
    LikeResult l = co_await s.like(like(7, 100));  // ok
    likes.push_back(l);
    l = co_await s.like(like(7, 100));  // already_liked (409)
    likes.push_back(l);
    l = co_await s.like(like(7, 101));  // ok
    likes.push_back(l);
    l = co_await s.like(like(8, 100));  // ok: another post
    likes.push_back(l);
    UnlikeResult u = co_await s.unlike(unlike(7, 555));  // not_liked (404)
    unlikes.push_back(u);
    StatusResult st = co_await s.status(7, 101);  // liked before its unlike
    statuses.push_back(st.liked);
    u = co_await s.unlike(unlike(7, 101));  // ok
    unlikes.push_back(u);
    u = co_await s.unlike(unlike(7, 101));  // not_liked: already undone
    unlikes.push_back(u);
    for (UserId user = 200; user < 230; ++user) {
      if (user == 215) {
        // A second passes: an adaptive counter re-estimates post 9's rate (16 likes/s, above
        // the cases' 2/s) and shards it for the last 15 likes.
        co_await world_->runtime().sleep_for(1s);
      }
      l = co_await s.like(like(9, user));
      likes.push_back(l);
    }
    st = co_await s.status(7, 100);
    statuses.push_back(st.liked);
    st = co_await s.status(7, 101);
    statuses.push_back(st.liked);
    st = co_await s.status(8, 101);  // never liked
    statuses.push_back(st.liked);
    // Before the drain: a write buffer may not have flushed, and this fills a read cache.
    early = co_await s.count(9);
    co_await s.drain();
    exact_7 = stored_count(7);
    exact_8 = stored_count(8);
    exact_9 = stored_count(9);
    co_await world_->runtime().sleep_for(200ms);  // past any cache TTL
    counted_7 = co_await s.count(7);
    counted_8 = co_await s.count(8);
    counted_9 = co_await s.count(9);
    page_100 = co_await s.batch_count(page(7, 3, 100));
    page_200 = co_await s.batch_count(page(6, 5, 200));
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
  EXPECT_EQ(statuses, (std::vector<bool>{true, true, false, false}));
  EXPECT_TRUE(early.ok);
  EXPECT_EQ(early.approximate, GetParam().approximate);
  EXPECT_EQ(exact_7, 1);
  EXPECT_EQ(exact_8, 1);
  EXPECT_EQ(exact_9, 30);
  // Where StrategyStorage says this configuration keeps its likers: 100 on post 7 (101 unliked).
  EXPECT_EQ(stored_likers(7), std::vector<UserId>{100});
  EXPECT_EQ(stored_likers(8), std::vector<UserId>{100});
  EXPECT_EQ(stored_likers(9).size(), 30u);
  for (const CountResult& c : {counted_7, counted_8, counted_9}) {
    EXPECT_TRUE(c.ok);
    EXPECT_EQ(c.approximate, GetParam().approximate);
  }
  EXPECT_EQ(counted_7.count, 1);
  EXPECT_EQ(counted_8.count, 1);
  EXPECT_EQ(counted_9.count, 30);

  ASSERT_TRUE(page_100.ok);
  ASSERT_EQ(page_100.n, 3);
  EXPECT_EQ(page_100.counts[0], 1);
  EXPECT_EQ(page_100.counts[1], 1);
  EXPECT_EQ(page_100.counts[2], 30);
  EXPECT_TRUE(page_100.liked[0]);
  EXPECT_TRUE(page_100.liked[1]);
  EXPECT_FALSE(page_100.liked[2]);
  // Posts 6 .. 10 for user 200, who liked only post 9.
  ASSERT_TRUE(page_200.ok);
  ASSERT_EQ(page_200.n, 5);
  const std::vector<std::int64_t> counts(page_200.counts.begin(), page_200.counts.begin() + 5);
  const std::vector<bool> liked(page_200.liked.begin(), page_200.liked.begin() + 5);
  EXPECT_EQ(counts, (std::vector<std::int64_t>{0, 1, 1, 30, 0}));
  EXPECT_EQ(liked, (std::vector<bool>{false, false, false, true, false}));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(page_200.approximate[static_cast<std::size_t>(i)], GetParam().page_approximate) << i;
  }
  const auto* sharded = std::get_if<ShardedCounterKnobs>(&GetParam().config.knobs);
  if (sharded != nullptr && sharded->adaptive) {
    std::vector<Strategy::Figure> figures;
    s.figures(figures);
    double posts_sharded = -1;
    for (const auto& f : figures) {
      if (f.name == "posts_sharded") posts_sharded = f.value;
    }
    EXPECT_EQ(posts_sharded, 1.0);  // post 9, and only post 9
  }
}

// Regression guard for GCC 12's lost continuations (STYLE.md §7): many operations of every
// kind in flight at once, each counted when it finishes; every one must finish, and the
// answers that do not depend on interleaving must be exact.
TEST_P(StrategySemantics, EveryConcurrentOperationCompletes) {
  Strategy& s = *strategy_;
  int spawned = 0;
  int completed = 0;
  int ok_likes = 0, refused_likes = 0, ok_unlikes = 0, not_liked = 0, zero_counts = 0,
      false_statuses = 0, ok_pages = 0;
  auto like_op = [&](Request r) -> Task<void> {
    const LikeResult v = co_await s.like(r);
    ok_likes += v == LikeResult::ok;
    refused_likes += v == LikeResult::already_liked;
    ++completed;
  };
  auto unlike_op = [&](Request r) -> Task<void> {
    const UnlikeResult v = co_await s.unlike(r);
    ok_unlikes += v == UnlikeResult::ok;
    not_liked += v == UnlikeResult::not_liked;
    ++completed;
  };
  auto count_op = [&](PostId post) -> Task<void> {
    const CountResult v = co_await s.count(post);
    zero_counts += v.ok && v.count == 0;
    ++completed;
  };
  auto status_op = [&](PostId post, UserId user) -> Task<void> {
    const StatusResult v = co_await s.status(post, user);
    false_statuses += v.ok && !v.liked;
    ++completed;
  };
  auto page_op = [&](Request r) -> Task<void> {
    const BatchCountResult v = co_await s.batch_count(r);
    ok_pages += v.ok && v.n == r.batch;
    ++completed;
  };
  Runtime& rt = world_->runtime();
  auto spawn = [&](Task<void> t) {
    ++spawned;
    rt.spawn(std::move(t));
  };
  // Post 21 already has users 1..10; post 20 gets 40 new likers all at once.
  for (UserId u = 1; u <= 10; ++u) {
    LikeResult r = LikeResult::failed;
    auto one = [&]() -> Task<void> {
      const LikeResult v = co_await s.like(like(21, u));
      r = v;
    };
    run(one());
    ASSERT_EQ(r, LikeResult::ok) << u;
  }
  for (UserId u = 1; u <= 40; ++u) spawn(like_op(like(20, u)));
  spawn(like_op(like(22, 7)));  // the same like twice at once: exactly one wins
  spawn(like_op(like(22, 7)));
  // Duplicates and unlikes on different users: a duplicate racing an unlike of the same like
  // may legitimately land after it and like again.
  for (UserId u = 6; u <= 10; ++u) spawn(like_op(like(21, u)));  // duplicates
  for (UserId u = 1; u <= 5; ++u) spawn(unlike_op(unlike(21, u)));
  for (UserId u = 500; u < 505; ++u) spawn(unlike_op(unlike(21, u)));  // never liked
  for (int i = 0; i < 5; ++i) spawn(count_op(23));
  for (UserId u = 1; u <= 5; ++u) spawn(status_op(23, u));
  for (int i = 0; i < 3; ++i) spawn(page_op(page(20, 4, 1)));
  const int want = 40 + 2 + 5 + 5 + 5 + 5 + 5 + 3;
  ASSERT_EQ(spawned, want);

  world_->run_until([&] { return completed == spawned; }, rt.now() + 5s, nullptr);
  EXPECT_EQ(completed, spawned) << "an operation's continuation was lost";
  EXPECT_EQ(ok_likes, 41);
  EXPECT_EQ(refused_likes, 6);
  EXPECT_EQ(ok_unlikes, 5);
  EXPECT_EQ(not_liked, 5);
  EXPECT_EQ(zero_counts, 5);
  EXPECT_EQ(false_statuses, 5);
  EXPECT_EQ(ok_pages, 3);

  std::int64_t n20 = -1, n21 = -1, n22 = -1;
  auto check = [&]() -> Task<void> {
    co_await s.drain();
    n20 = stored_count(20);
    n21 = stored_count(21);
    n22 = stored_count(22);
  };
  run(check());
  EXPECT_EQ(n20, 40);
  EXPECT_EQ(n21, 5);
  EXPECT_EQ(n22, 1);
}

}  // namespace
}  // namespace likesim
