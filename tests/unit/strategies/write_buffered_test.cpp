// WriteBuffered: likes acknowledged from memory, flushed per interval in one round trip; a
// crashed app server loses exactly what it had not flushed.
#include "strategies/write_buffered.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/core/random_stream.h"
#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

WriteBufferedKnobs knobs(int app_servers, double flush_interval_ms,
                         CounterStore store = CounterStore::redis) {
  WriteBufferedKnobs k;
  k.app_servers = app_servers;
  k.flush_interval_ms = flush_interval_ms;
  k.store = store;
  return k;
}

TEST(WriteBuffered, ALikeIsAcknowledgedBeforeItIsCountedAndAFlushIsOnePipeline) {
  StrategyHarness h;
  h.make(knobs(1, 100));
  for (UserId u = 1; u <= 5; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  ASSERT_EQ(h.like(8, 1), LikeResult::ok);
  ASSERT_EQ(h.like(9, 1), LikeResult::ok);
  EXPECT_EQ(h.like(7, 3), LikeResult::already_liked);
  EXPECT_EQ(h.unlike(7, 99), UnlikeResult::not_liked);
  EXPECT_TRUE(h.status(7, 3).liked);
  const CountResult before = h.count(7);
  EXPECT_EQ(before.count, 0);  // acknowledged, not yet applied
  EXPECT_TRUE(before.approximate);

  h.kv().clear_calls();
  h.run_until(101ms);  // the flusher ran at 100 ms
  ASSERT_EQ(h.kv().calls().size(), 1u);
  EXPECT_EQ(h.kv().calls()[0].kind, KvCallKind::pipeline);
  EXPECT_EQ(h.kv().calls()[0].n, 3u);  // one INCRBY per post, not per like
  EXPECT_EQ(h.figure("flushes"), 1.0);
  EXPECT_EQ(h.count(7).count, 5);
  EXPECT_EQ(h.count(8).count, 1);

  EXPECT_EQ(h.unlike(7, 2), UnlikeResult::ok);
  h.drain();
  EXPECT_EQ(h.exact_count(7), 4);
  EXPECT_EQ(h.exact_count(9), 1);
}

TEST(WriteBuffered, TheDbStoreFlushesOneTransactionOfCounterAdds) {
  StrategyHarness h;
  WriteBufferedKnobs k = knobs(1, 100, CounterStore::db);
  k.dedup = DedupMethod::db_unique;
  h.make(k);
  for (UserId u = 1; u <= 4; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  ASSERT_EQ(h.like(8, 1), LikeResult::ok);
  h.db().clear_calls();
  h.run_until(101ms);
  ASSERT_EQ(h.db().calls().size(), 1u);
  EXPECT_EQ(h.db().calls()[0].kind, DbCallKind::transaction);
  EXPECT_EQ(h.db().calls()[0].n, 2u);
  EXPECT_EQ(h.db().calls()[0].verb, DbVerb::counter_add);
  EXPECT_EQ(h.world().postgres().peek_counter(7), 4);
  EXPECT_EQ(h.world().postgres().peek_counter(8), 1);
}

TEST(WriteBuffered, ACrashLosesExactlyTheLikesItsServerHadNotFlushed) {
  StrategyHarness h;
  h.make(knobs(2, 100));
  // Requests are routed by id: mix64(id) % 2.
  int on_server0 = 0;
  for (RequestId id = 1; id <= 12; ++id) {
    ASSERT_EQ(h.like(7, static_cast<UserId>(id), id), LikeResult::ok);
    on_server0 += mix64(id) % 2 == 0;
  }
  ASSERT_GT(on_server0, 0);
  ASSERT_LT(on_server0, 12);
  // An unlike buffered on server 0 is lost too (the like it undoes was flushed).
  h.run_until(101ms);
  RequestId unlike_id = 100;
  while (mix64(unlike_id) % 2 != 0) ++unlike_id;
  ASSERT_EQ(h.unlike(7, 1, unlike_id), UnlikeResult::ok);
  for (RequestId id = 13; id <= 20; ++id) {
    ASSERT_EQ(h.like(7, static_cast<UserId>(id), id), LikeResult::ok);
  }
  int later_on_server0 = 0;
  for (RequestId id = 13; id <= 20; ++id) later_on_server0 += mix64(id) % 2 == 0;

  EXPECT_TRUE(h.strategy().crash_app_server(0));
  EXPECT_FALSE(h.strategy().crash_app_server(2));
  h.drain();
  // Net on server 0 since its last flush: later_on_server0 likes and one unlike, summed into
  // one delta per post.
  const std::int64_t lost_net = later_on_server0 - 1;
  EXPECT_EQ(h.exact_count(7), 20 - 1 - lost_net);
  EXPECT_EQ(h.figure("likes_lost_in_crashes") - h.figure("unlikes_lost_in_crashes"),
            static_cast<double>(lost_net));
  // The dedup set still remembers them: a lost like is not re-countable.
  EXPECT_TRUE(h.status(7, 13).liked);
}

TEST(WriteBuffered, AFlushInFlightWhenItsServerCrashesStillLands) {
  StrategyHarness h;
  h.make(knobs(1, 100));
  for (UserId u = 1; u <= 5; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  h.run_until(100ms + 1us);  // the flush was sent at 100 ms; its reply is not back yet
  EXPECT_EQ(h.figure("flushes"), 0.0);
  ASSERT_TRUE(h.strategy().crash_app_server(0));
  h.drain();
  EXPECT_EQ(h.exact_count(7), 5);
  EXPECT_EQ(h.figure("likes_lost_in_crashes"), 0.0);
}

TEST(WriteBuffered, ARefusedFlushIsKeptForTheNextUnlessItsServerCrashedMeanwhile) {
  StrategyHarness h;
  h.make(knobs(1, 100));
  for (UserId u = 1; u <= 5; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  h.kv().answer(KvVerb::incr_by, KvReply{0, ReplyStatus::unavailable, false}, 1, 1ms);
  h.run_until(150ms);  // refused at 101 ms: back in the buffer
  EXPECT_EQ(h.world().redis().peek_value(KeyId::counter(7)), 0);
  h.run_until(250ms);  // the next flush (an interval after the refusal) carries it
  EXPECT_EQ(h.world().redis().peek_value(KeyId::counter(7)), 5);

  // The flusher's next turn is ~301 ms; its refusal arrives 10 ms later, after the crash.
  for (UserId u = 6; u <= 8; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  h.kv().answer(KvVerb::incr_by, KvReply{0, ReplyStatus::unavailable, false}, 1, 10ms);
  h.run_until(305ms);
  ASSERT_EQ(h.figure("flushes"), 2.0);  // the third is in flight
  ASSERT_TRUE(h.strategy().crash_app_server(0));
  EXPECT_EQ(h.figure("likes_lost_in_crashes"), 0.0);  // nothing left in memory yet
  h.drain();
  EXPECT_EQ(h.exact_count(7), 5);
  EXPECT_EQ(h.figure("likes_lost_in_crashes"), 3.0);
}

TEST(WriteBuffered, DrainAppliesEveryServersBuffer) {
  StrategyHarness h;
  h.make(knobs(4, 1000));
  int want[3] = {};
  for (UserId u = 1; u <= 60; ++u) {
    const PostId post = 7 + u % 3;
    ASSERT_EQ(h.like(post, u), LikeResult::ok);
    ++want[u % 3];
  }
  h.drain();
  EXPECT_LT(h.now(), 1000ms);  // drained by its own flushes, not the flushers'
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.exact_count(7 + static_cast<PostId>(i)), want[i]);
}

// Only likes, over three posts, on two app servers; server 0 crashes before its first flush:
// exactly the likes it acknowledged are missing from each post's count, the figure names
// them, server 1's likes are all counted, and the dedup still remembers every like.
class WriteBufferedCrash : public ::testing::TestWithParam<CounterStore> {};

TEST_P(WriteBufferedCrash, ExactlyTheCrashedServersUnflushedLikesAreLost) {
  StrategyHarness h;
  WriteBufferedKnobs k = knobs(2, 100, GetParam());
  k.dedup = GetParam() == CounterStore::db ? DedupMethod::db_unique : DedupMethod::redis_set;
  h.make(k);
  std::int64_t kept[3] = {};
  int lost = 0;
  for (RequestId id = 1; id <= 30; ++id) {
    const PostId post = 7 + static_cast<PostId>(id % 3);
    ASSERT_EQ(h.like(post, static_cast<UserId>(id), id), LikeResult::ok);
    if (mix64(id) % 2 == 0) {
      ++lost;  // routed to server 0
    } else {
      ++kept[id % 3];
    }
  }
  ASSERT_GT(lost, 0);
  ASSERT_LT(lost, 30);
  ASSERT_LT(h.now(), 100ms);  // before the first flush
  EXPECT_EQ(h.figure("flushes"), 0.0);
  ASSERT_TRUE(h.strategy().crash_app_server(0));
  h.drain();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.exact_count(7 + static_cast<PostId>(i)), kept[i]) << i;
  EXPECT_EQ(h.figure("likes_lost_in_crashes"), static_cast<double>(lost));
  EXPECT_EQ(h.figure("unlikes_lost_in_crashes"), 0.0);
  for (RequestId id = 1; id <= 30; ++id) {
    EXPECT_TRUE(h.status(7 + static_cast<PostId>(id % 3), static_cast<UserId>(id)).liked) << id;
  }
  // Later likes on the restarted server are buffered and counted again.
  RequestId id = 1000;
  while (mix64(id) % 2 != 0) ++id;
  ASSERT_EQ(h.like(7, 1000, id), LikeResult::ok);
  h.drain();
  EXPECT_EQ(h.exact_count(7), kept[0] + 1);
  EXPECT_EQ(h.figure("likes_lost_in_crashes"), static_cast<double>(lost));
}

INSTANTIATE_TEST_SUITE_P(Stores, WriteBufferedCrash,
                         ::testing::Values(CounterStore::redis, CounterStore::db),
                         [](const ::testing::TestParamInfo<CounterStore>& info) {
                           return std::string(info.param == CounterStore::db ? "db" : "redis");
                         });

}  // namespace
}  // namespace likesim
