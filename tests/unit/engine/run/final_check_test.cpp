#include "engine/run/final_check.h"

#include <gtest/gtest.h>

namespace likesim {
namespace {

StrategyConfig redis_single_counter() {
  SingleCounterKnobs k;
  k.store = CounterStore::redis;
  k.dedup = DedupMethod::redis_set;
  return {"s", "single_counter", k};
}

const PostCheck* find(const std::vector<PostCheck>& all, PostId post) {
  for (const PostCheck& c : all) {
    if (c.post == post) return &c;
  }
  return nullptr;
}

// Planted states, one per post, against the truth: each error shows where the state can tell
// it, and a failed write that may have landed excuses what it could have done.
TEST(FinalCheck, TellsLostLikesLostUnlikesAndDoubleCountsApart) {
  Oracle o;
  for (UserId u : {1, 2, 3}) o.on_like_ok(1, u, Time(1s));
  o.on_like_ok(2, 5, Time(1s));
  o.on_unlike_ok(2, 5, Time(2s));
  o.on_like_failed(4, 9);
  BackendState s;
  // Post 1: user 3 missing from the set, but counted, and one more: lost 1 and double 1.
  for (UserId u : {1, 2}) s.add_redis_member(KeyId::like_set(1), u);
  s.add_redis_value(KeyId::counter(1), 3);
  // Post 2: the unlike never took: still a member and still counted.
  s.add_redis_member(KeyId::like_set_shard(2, 3), 5);
  s.add_redis_value(KeyId::counter(2), 1);
  // Post 3: nobody liked it, yet it holds two counts.
  s.add_redis_value(KeyId::counter(3), 2);
  // Post 4: the failed like's SADD landed, its INCR did not: allowed.
  s.add_redis_member(KeyId::like_set(4), 9);
  // Other stores the configuration does not use are not its count.
  s.db_counters[1] = 100;

  std::vector<PostCheck> each;
  const FinalFigures f = check_final_state(o, s, StrategyStorage(redis_single_counter()), &each);
  EXPECT_EQ(f.posts_checked, 4u);
  EXPECT_EQ(f.stored_total, 6);
  ASSERT_EQ(each.size(), 4u);
  const PostCheck* p1 = find(each, 1);
  EXPECT_EQ(p1->lost_likes, 1u);
  EXPECT_EQ(p1->double_counts, 1u);
  EXPECT_EQ(p1->abs_error, 0u);  // net right: one number per post would show nothing
  const PostCheck* p2 = find(each, 2);
  EXPECT_EQ(p2->lost_unlikes, 1u);
  EXPECT_EQ(p2->double_counts, 0u);
  EXPECT_EQ(p2->abs_error, 1u);
  const PostCheck* p3 = find(each, 3);
  EXPECT_EQ(p3->double_counts, 2u);
  EXPECT_EQ(p3->truth, 0);
  EXPECT_FALSE(find(each, 4)->wrong());
  EXPECT_EQ(f.lost_likes, 1u);
  EXPECT_EQ(f.lost_unlikes, 1u);
  EXPECT_EQ(f.double_counts, 3u);
  EXPECT_EQ(f.posts_wrong, 3u);
  EXPECT_EQ(f.abs_error_sum, 3u);
}

// A broken strategy that put one user into two of a post's sets and counted both: one liker,
// one double count, no lost like (the member-by-member count must not go below zero).
TEST(FinalCheck, AUserStoredInTwoSetsIsOneLikerAndTheExtraCountIsDouble) {
  Oracle o;
  o.on_like_ok(1, 7, Time(1s));
  BackendState s;
  s.add_redis_member(KeyId::like_set(1), 7);
  s.add_redis_member(KeyId::like_set_shard(1, 2), 7);
  s.add_redis_value(KeyId::counter(1), 2);
  std::vector<PostCheck> each;
  const FinalFigures f = check_final_state(o, s, StrategyStorage(redis_single_counter()), &each);
  EXPECT_EQ(f.lost_likes, 0u);
  EXPECT_EQ(f.lost_unlikes, 0u);
  EXPECT_EQ(f.double_counts, 1u);
  EXPECT_EQ(f.posts_wrong, 1u);
}

// A sharded counter's count is the sum of its post's shards (any hash tag); count_query's is
// its likes rows; async_log's its like_counts row.
TEST(FinalCheck, ReadsEachConfigurationsCountWhereItKeepsIt) {
  BackendState s;
  s.add_redis_value(KeyId::shard_key(7, 0, false), 2);
  s.add_redis_value(KeyId::shard_key(7, 5, false), 3);
  s.add_redis_value(KeyId::shard_key(8, 1, true), 1);
  s.add_redis_value(KeyId::counter(7), 50);
  s.db_counters[7] = 11;
  for (UserId u : {1, 2, 3, 4}) s.db_likers[7].insert(u);

  StrategyStorage sharded({"s", "sharded_counter", ShardedCounterKnobs{}});
  sharded.index(s);
  EXPECT_EQ(sharded.count(s, 7), 5);
  EXPECT_EQ(sharded.count(s, 8), 1);
  EXPECT_EQ(sharded.count(s, 9), 0);
  EXPECT_EQ(sharded.likers(s, 7), nullptr);  // redis_set by default: no sets stored here
  StrategyStorage query({"q", "count_query", CountQueryKnobs{}});
  EXPECT_EQ(query.count(s, 7), 4);
  EXPECT_EQ(query.likers(s, 7)->size(), 4u);
  StrategyStorage log({"a", "async_log", AsyncLogKnobs{}});
  EXPECT_EQ(log.count(s, 7), 11);
  EXPECT_EQ(log.likers(s, 7)->size(), 4u);  // db_unique by default
  StrategyStorage single(redis_single_counter());
  EXPECT_EQ(single.count(s, 7), 50);
  EXPECT_EQ(s.posts(), (std::vector<PostId>{7, 8}));
}

}  // namespace
}  // namespace likesim
