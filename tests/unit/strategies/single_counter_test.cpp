// SingleCounter: one counter per post, in PostgreSQL or Redis, with each dedup method.
#include "strategies/single_counter.h"

#include <gtest/gtest.h>

#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

SingleCounterKnobs knobs(CounterStore store, DedupMethod dedup) {
  SingleCounterKnobs k;
  k.store = store;
  k.dedup = dedup;
  return k;
}

TEST(SingleCounter, DbStoreWithDbUniqueLikesInOneStatement) {
  StrategyHarness h;
  h.make(knobs(CounterStore::db, DedupMethod::db_unique));
  h.db().clear_calls();
  EXPECT_EQ(h.like(7, 100), LikeResult::ok);
  ASSERT_EQ(h.db().calls().size(), 1u);
  EXPECT_EQ(h.db().calls()[0].kind, DbCallKind::single);
  EXPECT_EQ(h.db().calls()[0].verb, DbVerb::insert_like_and_increment);
  EXPECT_EQ(h.like(7, 100), LikeResult::already_liked);
  EXPECT_EQ(h.world().postgres().peek_counter(7), 1);  // the duplicate did not count

  h.db().clear_calls();
  EXPECT_EQ(h.unlike(7, 555), UnlikeResult::not_liked);
  ASSERT_EQ(h.db().calls().size(), 1u);
  EXPECT_EQ(h.db().calls()[0].verb, DbVerb::delete_like_and_decrement);
  EXPECT_EQ(h.world().postgres().peek_counter(7), 1);
  EXPECT_EQ(h.unlike(7, 100), UnlikeResult::ok);
  EXPECT_EQ(h.world().postgres().peek_counter(7), 0);
  EXPECT_FALSE(h.status(7, 100).liked);
  EXPECT_EQ(h.kv().calls().size(), 0u);  // Redis is not involved at all
}

TEST(SingleCounter, DbStoreWithRedisSetAddsThenIncrementsTheRow) {
  StrategyHarness h;
  h.make(knobs(CounterStore::db, DedupMethod::redis_set));
  EXPECT_EQ(h.like(7, 100), LikeResult::ok);
  EXPECT_EQ(h.like(7, 100), LikeResult::already_liked);
  ASSERT_EQ(h.kv().calls().size(), 2u);
  EXPECT_EQ(h.kv().calls()[0].verb, KvVerb::sadd);
  ASSERT_EQ(h.db().calls().size(), 1u);  // the duplicate never reached the counter
  EXPECT_EQ(h.db().calls()[0].verb, DbVerb::counter_add);
  EXPECT_EQ(h.world().postgres().peek_counter(7), 1);
  EXPECT_TRUE(h.status(7, 100).liked);
  const CountResult c = h.count(7);
  EXPECT_EQ(c.count, 1);
  EXPECT_FALSE(c.approximate);
}

TEST(SingleCounter, RedisStoreIncrementsTheCounterKey) {
  StrategyHarness h;
  h.make(knobs(CounterStore::redis, DedupMethod::redis_set));
  for (UserId u = 1; u <= 5; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  EXPECT_EQ(h.unlike(7, 3), UnlikeResult::ok);
  EXPECT_EQ(h.world().redis().peek_value(KeyId::counter(7)), 4);
  EXPECT_EQ(h.count(7).count, 4);
  EXPECT_EQ(h.exact_count(7), 4);
}

TEST(SingleCounter, AFailedIncrementAfterTheDedupAddedAnswersFailedAndKeepsTheLike) {
  StrategyHarness h;
  h.make(knobs(CounterStore::redis, DedupMethod::redis_set));
  h.kv().answer(KvVerb::incr_by, KvReply{0, ReplyStatus::unavailable, false}, 1);
  EXPECT_EQ(h.like(7, 100), LikeResult::failed);
  // Recorded but not counted: not undone behind the client's back.
  EXPECT_TRUE(h.status(7, 100).liked);
  EXPECT_EQ(h.like(7, 100), LikeResult::already_liked);
  EXPECT_EQ(h.exact_count(7), 0);
}

TEST(SingleCounter, LuaAtomicIsOneScriptPerLikeAndUnlike) {
  StrategyHarness h;
  h.make(knobs(CounterStore::redis, DedupMethod::lua_atomic));
  EXPECT_EQ(h.like(7, 100), LikeResult::ok);
  EXPECT_EQ(h.like(7, 100), LikeResult::already_liked);
  EXPECT_EQ(h.unlike(7, 101), UnlikeResult::not_liked);
  ASSERT_EQ(h.kv().calls().size(), 3u);
  EXPECT_EQ(h.kv().calls()[0].verb, KvVerb::like_script);
  EXPECT_EQ(h.kv().calls()[1].verb, KvVerb::like_script);
  EXPECT_EQ(h.kv().calls()[2].verb, KvVerb::unlike_script);
  EXPECT_EQ(h.world().redis().peek_value(KeyId::counter(7)), 1);
  EXPECT_TRUE(h.status(7, 100).liked);
  EXPECT_EQ(h.unlike(7, 100), UnlikeResult::ok);
  EXPECT_FALSE(h.status(7, 100).liked);
  EXPECT_EQ(h.count(7).count, 0);
}

TEST(SingleCounter, BloomDedupReportsItsFalsePositives) {
  StrategyHarness h;
  h.make(knobs(CounterStore::redis, DedupMethod::bloom));
  EXPECT_EQ(h.like(7, 100), LikeResult::ok);
  h.drain();  // the row is written behind: in the table after the drain
  // The filter now says "maybe" for the next two: a new user (a false positive, settled by
  // the likes table) and the real duplicate.
  h.kv().answer(KvVerb::bf_add, KvReply{0, ReplyStatus::ok, false}, 1);
  EXPECT_EQ(h.like(7, 101), LikeResult::ok);
  EXPECT_EQ(h.like(7, 100), LikeResult::already_liked);
  EXPECT_EQ(h.exact_count(7), 2);
  EXPECT_EQ(h.figure("bloom_false_positives"), 1.0);
  EXPECT_EQ(h.figure("bloom_maybe"), 2.0);
}

}  // namespace
}  // namespace likesim
