// RedisSetDedup: SADD / SREM / SISMEMBER on the post's set, or on its user-hash split sets.
#include "strategies/dedup/redis_set_dedup.h"

#include <gtest/gtest.h>

#include "engine/core/random_stream.h"
#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

TEST(RedisSetDedup, OneSetPerPost) {
  StrategyHarness h;
  RedisSetDedup dedup(h.context().kv, 1);
  std::vector<DedupAnswer> answers;
  bool present = false;
  auto script = [&]() -> Task<void> {
    DedupAnswer a = co_await dedup.add(7, 100);
    answers.push_back(a);
    a = co_await dedup.add(7, 100);
    answers.push_back(a);
    a = co_await dedup.remove(7, 555);
    answers.push_back(a);
    const StatusResult s = co_await dedup.contains(7, 100);
    present = s.liked;
    a = co_await dedup.remove(7, 100);
    answers.push_back(a);
  };
  h.run(script());
  EXPECT_EQ(answers, (std::vector<DedupAnswer>{DedupAnswer::changed, DedupAnswer::unchanged,
                                               DedupAnswer::unchanged, DedupAnswer::changed}));
  EXPECT_TRUE(present);
  const auto& calls = h.kv().calls();
  ASSERT_EQ(calls.size(), 5u);
  EXPECT_EQ(calls[0].verb, KvVerb::sadd);
  EXPECT_EQ(calls[2].verb, KvVerb::srem);
  EXPECT_EQ(calls[3].verb, KvVerb::sismember);
  for (const auto& c : calls) EXPECT_EQ(c.key, KeyId::like_set(7));
}

TEST(RedisSetDedup, SplitSetsPlaceEachUserByHash) {
  StrategyHarness h;
  RedisSetDedup dedup(h.context().kv, 4);
  std::vector<DedupAnswer> answers;
  std::vector<bool> present;
  auto script = [&]() -> Task<void> {
    for (UserId u = 1; u <= 20; ++u) {
      const DedupAnswer a = co_await dedup.add(7, u);
      answers.push_back(a);
    }
    for (UserId u = 1; u <= 20; ++u) {
      const DedupAnswer a = co_await dedup.add(7, u);
      answers.push_back(a);
      const StatusResult s = co_await dedup.contains(7, u);
      present.push_back(s.liked);
    }
  };
  h.run(script());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(answers[i], DedupAnswer::changed) << i;
  for (int i = 20; i < 40; ++i) EXPECT_EQ(answers[i], DedupAnswer::unchanged) << i;
  for (bool p : present) EXPECT_TRUE(p);
  for (UserId u = 1; u <= 20; ++u) {
    const KeyId want = KeyId::like_set_shard(7, static_cast<std::uint16_t>(1 + mix64(u) % 4));
    EXPECT_EQ(h.kv().calls()[u - 1].key, want) << u;
  }
}

}  // namespace
}  // namespace likesim
