// ShardedCounter: K counter keys per post, summed by one MGET; read cache; adaptive sharding.
#include "strategies/sharded_counter.h"

#include <gtest/gtest.h>

#include "engine/core/random_stream.h"
#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

ShardedCounterKnobs knobs(int shards, ShardPick pick) {
  ShardedCounterKnobs k;
  k.shards = shards;
  k.pick = pick;
  return k;
}

std::int64_t shard_value(StrategyHarness& h, PostId post, int s, bool tag = false) {
  return h.world().redis().peek_value(KeyId::shard_key(post, static_cast<std::uint16_t>(s), tag));
}

TEST(ShardedCounter, UserHashPutsEachUsersLikeOnItsShardAndUnlikeTakesItBack) {
  StrategyHarness h;
  h.make(knobs(8, ShardPick::user_hash));
  for (UserId u = 1; u <= 40; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  std::int64_t want[8] = {};
  for (UserId u = 1; u <= 40; ++u) ++want[mix64(u) % 8];
  for (int s = 0; s < 8; ++s) EXPECT_EQ(shard_value(h, 7, s), want[s]) << s;

  EXPECT_EQ(h.unlike(7, 5), UnlikeResult::ok);
  --want[mix64(5) % 8];
  for (int s = 0; s < 8; ++s) EXPECT_EQ(shard_value(h, 7, s), want[s]) << s;
  EXPECT_EQ(h.unlike(7, 5), UnlikeResult::not_liked);
  EXPECT_EQ(h.like(7, 6), LikeResult::already_liked);
  EXPECT_EQ(h.exact_count(7), 39);
}

TEST(ShardedCounter, RandomPickSpreadsWritesAndOneMgetSumsThem) {
  StrategyHarness h;
  h.make(knobs(8, ShardPick::random));
  for (UserId u = 1; u <= 64; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  int used = 0;
  std::int64_t sum = 0;
  for (int s = 0; s < 8; ++s) {
    used += shard_value(h, 7, s) > 0;
    sum += shard_value(h, 7, s);
  }
  EXPECT_EQ(sum, 64);
  EXPECT_GE(used, 4);  // 64 draws over 8 shards: fewer than 4 used is ~1e-20 likely

  h.kv().clear_calls();
  const CountResult c = h.count(7);
  EXPECT_TRUE(c.ok);
  EXPECT_EQ(c.count, 64);
  EXPECT_FALSE(c.approximate);
  ASSERT_EQ(h.kv().calls().size(), 1u);
  EXPECT_EQ(h.kv().calls()[0].kind, KvCallKind::mget);
  EXPECT_EQ(h.kv().calls()[0].n, 8u);
}

TEST(ShardedCounter, HashTagPutsEveryShardOnOneNode) {
  for (bool tag : {true, false}) {
    StrategyHarness h;
    ShardedCounterKnobs k = knobs(16, ShardPick::user_hash);
    k.hash_tag = tag;
    h.make(k);
    for (UserId u = 1; u <= 64; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
    int nodes_used[3] = {};
    std::int64_t sum = 0;
    for (int s = 0; s < 16; ++s) {
      const KeyId key = KeyId::shard_key(7, static_cast<std::uint16_t>(s), tag);
      nodes_used[h.world().redis().node_of(key)] += 1;
      sum += h.world().redis().peek_value(key);
    }
    EXPECT_EQ(sum, 64) << tag;
    const int nodes = (nodes_used[0] > 0) + (nodes_used[1] > 0) + (nodes_used[2] > 0);
    EXPECT_EQ(nodes == 1, tag);
  }
}

TEST(ShardedCounter, LuaAtomicCountsOnTheChosenShardWithOneScript) {
  StrategyHarness h;
  ShardedCounterKnobs k = knobs(4, ShardPick::user_hash);
  k.dedup = DedupMethod::lua_atomic;
  h.make(k);
  EXPECT_EQ(h.like(7, 100), LikeResult::ok);
  EXPECT_EQ(h.like(7, 100), LikeResult::already_liked);
  ASSERT_EQ(h.kv().calls().size(), 2u);
  EXPECT_EQ(h.kv().calls()[0].verb, KvVerb::like_script);
  // A script's keys share a slot: the shards carry the post's hash tag.
  EXPECT_EQ(shard_value(h, 7, static_cast<int>(mix64(100) % 4), /*tag=*/true), 1);
  EXPECT_TRUE(h.status(7, 100).liked);
  EXPECT_EQ(h.unlike(7, 100), UnlikeResult::ok);
  EXPECT_EQ(h.exact_count(7), 0);
}

TEST(ShardedCounter, AFailedIncrementAfterTheDedupAddedAnswersFailed) {
  StrategyHarness h;
  h.make(knobs(4, ShardPick::random));
  h.kv().answer(KvVerb::incr_by, KvReply{0, ReplyStatus::timeout, false}, 1);
  EXPECT_EQ(h.like(7, 100), LikeResult::failed);
  EXPECT_TRUE(h.status(7, 100).liked);
  EXPECT_EQ(h.exact_count(7), 0);
}

TEST(ShardedCounter, TheReadCacheAnswersWithinItsTtlAndSaysItIsApproximate) {
  StrategyHarness h;
  ShardedCounterKnobs k = knobs(4, ShardPick::random);
  k.cache_ttl_ms = 50;
  h.make(k);
  ASSERT_EQ(h.like(7, 1), LikeResult::ok);
  const CountResult first = h.count(7);  // a miss: fetched and cached
  EXPECT_EQ(first.count, 1);
  EXPECT_TRUE(first.approximate);
  ASSERT_EQ(h.like(7, 2), LikeResult::ok);
  h.kv().clear_calls();
  const CountResult cached = h.count(7);
  EXPECT_EQ(cached.count, 1);  // stale, within the TTL
  EXPECT_TRUE(cached.approximate);
  EXPECT_EQ(h.kv().calls().size(), 0u);
  EXPECT_EQ(h.figure("cache_hits"), 1.0);
  h.run_until(h.now() + 50ms);
  EXPECT_EQ(h.count(7).count, 2);  // expired: fetched again
  EXPECT_EQ(h.exact_count(7), 2);  // never cached
}

// Adaptive sharding (seed 002 §6.2): a cold post lives on shard 0; a hot one spreads over K;
// once it cools, writes go back to shard 0 while reads keep summing every shard.
TEST(ShardedCounter, AdaptiveShardsAHotPostAndFoldsItsWritesBack) {
  StrategyHarness h;
  ShardedCounterKnobs k = knobs(8, ShardPick::user_hash);
  k.adaptive = true;
  k.hot_likes_per_s = 50;
  k.cool_likes_per_s = 5;
  h.make(k);
  UserId user = 1;
  // Cold: 10 likes/s for 2 s. Writes and reads touch shard 0 only.
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(h.like(7, user++), LikeResult::ok);
    h.run_until(h.now() + 100ms);
  }
  EXPECT_EQ(shard_value(h, 7, 0), 20);
  h.kv().clear_calls();
  EXPECT_EQ(h.count(7).count, 20);
  ASSERT_EQ(h.kv().calls().size(), 1u);
  EXPECT_EQ(h.kv().calls()[0].kind, KvCallKind::single);
  EXPECT_EQ(h.figure("posts_sharded"), 0.0);

  // Hot: 200 likes/s for 2 s. Writes spread over the shards, reads MGET all of them.
  for (int i = 0; i < 400; ++i) {
    ASSERT_EQ(h.like(7, user++), LikeResult::ok);
    h.run_until(h.now() + 5ms);
  }
  EXPECT_EQ(h.figure("posts_sharded"), 1.0);
  std::int64_t others = 0;
  for (int s = 1; s < 8; ++s) others += shard_value(h, 7, s);
  EXPECT_GT(others, 100);
  h.kv().clear_calls();
  EXPECT_EQ(h.count(7).count, 420);
  ASSERT_EQ(h.kv().calls().size(), 1u);
  EXPECT_EQ(h.kv().calls()[0].kind, KvCallKind::mget);
  EXPECT_EQ(h.kv().calls()[0].n, 8u);

  // Cool: 1 like/s. After the rate estimate sees it, every write goes to shard 0 again,
  // and shards 1..7 keep what they hold, which reads still sum.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(h.like(7, user++), LikeResult::ok);
    h.run_until(h.now() + 1s);
  }
  EXPECT_EQ(h.figure("folds"), 1.0);
  std::int64_t frozen = 0;
  for (int s = 1; s < 8; ++s) frozen += shard_value(h, 7, s);
  const std::int64_t shard0 = shard_value(h, 7, 0);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(h.like(7, user++), LikeResult::ok);
    h.run_until(h.now() + 1s);
  }
  std::int64_t after = 0;
  for (int s = 1; s < 8; ++s) after += shard_value(h, 7, s);
  EXPECT_EQ(after, frozen);
  EXPECT_EQ(shard_value(h, 7, 0), shard0 + 5);
  EXPECT_EQ(h.count(7).count, 428);
  EXPECT_EQ(h.exact_count(7), 428);
}

// Adaptive with random picks: only the post liked faster than hot_likes_per_s is sharded; a
// post liked slowly at the same time stays on one key; the hot post's count stays exact while
// it is sharded and after its writes fold back.
TEST(ShardedCounter, AdaptiveShardsOnlyTheHotPostAndCountsStayExactAcrossTheFold) {
  StrategyHarness h;
  ShardedCounterKnobs k = knobs(8, ShardPick::random);
  k.adaptive = true;
  k.hot_likes_per_s = 50;
  k.cool_likes_per_s = 5;
  h.make(k);
  const PostId hot = 5, cold = 6;
  UserId user = 1;
  std::int64_t hot_likes = 0, cold_likes = 0;
  // 2.5 s: the hot post at 100 likes/s, the cold one at 2 likes/s.
  for (int tick = 0; tick < 250; ++tick) {
    ASSERT_EQ(h.like(hot, user++), LikeResult::ok);
    ++hot_likes;
    if (tick % 50 == 0) {
      ASSERT_EQ(h.like(cold, user++), LikeResult::ok);
      ++cold_likes;
    }
    h.run_until(h.now() + 10ms);
  }
  EXPECT_EQ(h.figure("posts_sharded"), 1.0);
  EXPECT_EQ(h.figure("folds"), 0.0);
  std::int64_t spread = 0;
  for (int s = 1; s < 8; ++s) spread += shard_value(h, hot, s);
  EXPECT_GT(spread, 0);  // writes left shard 0
  for (int s = 1; s < 8; ++s) EXPECT_EQ(shard_value(h, cold, s), 0) << s;
  EXPECT_EQ(shard_value(h, cold, 0), cold_likes);
  EXPECT_EQ(h.exact_count(hot), hot_likes);
  h.kv().clear_calls();
  EXPECT_EQ(h.count(cold).count, cold_likes);
  ASSERT_EQ(h.kv().calls().size(), 1u);
  EXPECT_EQ(h.kv().calls()[0].kind, KvCallKind::single);  // one GET, not an MGET of 8

  // The hot post cools to 1 like/s (and loses two likes): it folds back once, and its count
  // still sums every shard.
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(h.like(hot, user++), LikeResult::ok);
    ++hot_likes;
    h.run_until(h.now() + 1s);
  }
  EXPECT_EQ(h.figure("folds"), 1.0);
  EXPECT_EQ(h.unlike(hot, 1), UnlikeResult::ok);
  EXPECT_EQ(h.unlike(hot, 3), UnlikeResult::ok);  // user 2 liked the cold post
  hot_likes -= 2;
  EXPECT_EQ(h.figure("posts_sharded"), 1.0);
  EXPECT_EQ(h.exact_count(hot), hot_likes);
  const CountResult c = h.count(hot);
  EXPECT_EQ(c.count, hot_likes);
  EXPECT_FALSE(c.approximate);
  EXPECT_EQ(h.exact_count(cold), cold_likes);
}

}  // namespace
}  // namespace likesim
