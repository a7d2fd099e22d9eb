// Every strategy that hosts a Bloom dedup starts, drains and stops its write-behind: after
// the host's drain the likes table holds exactly the liked pairs, and after stop() the
// consumers exit (StrategyHarness's destructor checks). async_log counts the dedup's event
// instead of appending its own and writes the rows in its consumers' transactions.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

struct HostCase {
  std::string label;
  StrategyKnobs knobs;
};

void PrintTo(const HostCase& c, std::ostream* os) { *os << c.label; }

std::vector<HostCase> hosts() {
  SingleCounterKnobs single_db;
  single_db.store = CounterStore::db;
  single_db.dedup = DedupMethod::bloom;
  SingleCounterKnobs single_redis = single_db;
  single_redis.store = CounterStore::redis;
  ShardedCounterKnobs sharded;
  sharded.shards = 4;
  sharded.dedup = DedupMethod::bloom;
  WriteBufferedKnobs buffered;
  buffered.app_servers = 2;
  buffered.flush_interval_ms = 20;
  buffered.dedup = DedupMethod::bloom;
  AsyncLogKnobs async;
  async.consumers = 1;
  async.dedup = DedupMethod::bloom;
  AsyncLogKnobs at_least_once = async;
  at_least_once.idempotent = false;
  return {{"single_counter_db", single_db}, {"single_counter_redis", single_redis},
          {"sharded_counter", sharded},     {"write_buffered", buffered},
          {"async_log_idempotent", async},  {"async_log_at_least_once", at_least_once}};
}

class BloomHost : public ::testing::TestWithParam<HostCase> {};

TEST_P(BloomHost, DrainWritesEveryRowOnceAndTheCountsAgree) {
  StrategyHarness h;
  h.make(GetParam().knobs);
  for (UserId u = 1; u <= 5; ++u) EXPECT_EQ(h.like(7, u), LikeResult::ok) << u;
  EXPECT_EQ(h.like(7, 3), LikeResult::already_liked);
  EXPECT_EQ(h.unlike(7, 2), UnlikeResult::ok);
  EXPECT_EQ(h.unlike(7, 2), UnlikeResult::not_liked);
  EXPECT_EQ(h.unlike(7, 9), UnlikeResult::not_liked);
  EXPECT_EQ(h.like(8, 1), LikeResult::ok);
  // One event per accepted like or unlike: async_log does not append a second one.
  EXPECT_EQ(h.world().kafka().stats().appended, 7u);
  h.drain();
  const sim::PostgresServer& pg = h.world().postgres();
  EXPECT_EQ(pg.peek_like_rows(7), 4);
  EXPECT_FALSE(pg.peek_like(7, 2));
  EXPECT_TRUE(pg.peek_like(8, 1));
  EXPECT_EQ(h.exact_count(7), 4);
  EXPECT_EQ(h.exact_count(8), 1);
  EXPECT_FALSE(h.status(7, 2).liked);
  EXPECT_TRUE(h.status(7, 3).liked);
}

INSTANTIATE_TEST_SUITE_P(Hosts, BloomHost, ::testing::ValuesIn(hosts()),
                         [](const ::testing::TestParamInfo<HostCase>& info) {
                           return info.param.label;
                         });

// async_log at least once: a consumer that dies after its transaction gets the batch again;
// the counts double (what at-least-once means), the rows do not (insert and delete replay
// in order, and a like's row is written once).
TEST(BloomHost, ARedeliveredBatchWritesTheSameRows) {
  StrategyHarness h;
  AsyncLogKnobs k;
  k.consumers = 1;
  k.idempotent = false;
  k.dedup = DedupMethod::bloom;
  Strategy& s = h.make(k);
  ASSERT_TRUE(s.crash_consumer(0));
  EXPECT_EQ(h.like(7, 1), LikeResult::ok);
  EXPECT_EQ(h.like(7, 2), LikeResult::ok);
  EXPECT_EQ(h.unlike(7, 1), UnlikeResult::ok);
  h.drain();
  EXPECT_FALSE(h.world().postgres().peek_like(7, 1));
  EXPECT_TRUE(h.world().postgres().peek_like(7, 2));
  EXPECT_EQ(h.world().postgres().peek_like_rows(7), 1);
  EXPECT_GE(h.figure("consumer_crashes"), 1.0);
  EXPECT_EQ(h.figure("bloom_rows_written"), 0.0);  // the host wrote them, not the dedup
}

// lua_atomic does not go through a Dedup: no write-behind, nothing in the log.
TEST(BloomHost, LuaAtomicIsUnaffected) {
  StrategyHarness h;
  ShardedCounterKnobs k;
  k.shards = 4;
  k.dedup = DedupMethod::lua_atomic;
  h.make(k);
  EXPECT_EQ(h.like(7, 1), LikeResult::ok);
  EXPECT_EQ(h.like(7, 1), LikeResult::already_liked);
  h.drain();
  EXPECT_EQ(h.exact_count(7), 1);
  EXPECT_EQ(h.world().kafka().stats().appended, 0u);
  EXPECT_EQ(h.world().postgres().peek_like_rows(7), 0);
}

}  // namespace
}  // namespace likesim
