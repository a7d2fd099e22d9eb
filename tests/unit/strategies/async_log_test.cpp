// AsyncLog: likes are appended to the log and counted by consumers; a consumer crash between
// apply and commit redelivers its batch, which only the idempotent mode counts once.
#include "strategies/async_log.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/core/random_stream.h"
#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

AsyncLogKnobs knobs(bool idempotent, DedupMethod dedup = DedupMethod::db_unique) {
  AsyncLogKnobs k;
  k.consumers = 1;
  k.idempotent = idempotent;
  k.dedup = dedup;
  return k;
}

TEST(AsyncLog, ALikeIsAcknowledgedWhenAppendedAndCountedWhenConsumed) {
  StrategyHarness h;
  h.make(knobs(true));
  for (UserId u = 1; u <= 10; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  EXPECT_EQ(h.like(7, 4), LikeResult::already_liked);
  EXPECT_EQ(h.unlike(7, 99), UnlikeResult::not_liked);
  EXPECT_EQ(h.unlike(7, 4), UnlikeResult::ok);
  EXPECT_FALSE(h.status(7, 4).liked);
  EXPECT_TRUE(h.status(7, 5).liked);
  EXPECT_TRUE(h.count(7).approximate);
  h.drain();
  EXPECT_EQ(h.exact_count(7), 9);
  const CountResult c = h.count(7);
  EXPECT_EQ(c.count, 9);
  EXPECT_TRUE(c.approximate);
  EXPECT_EQ(h.world().kafka().lag(), 0);
}

// Runs 10 likes, crashes the consumer, then 5 concurrent likes (one produce batch, one poll):
// that batch is applied, not committed, and delivered again.
void crash_after_a_batch_of_five(StrategyHarness& h) {
  for (UserId u = 1; u <= 10; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  h.drain();
  ASSERT_EQ(h.exact_count(7), 10);
  EXPECT_TRUE(h.strategy().crash_consumer(0));
  EXPECT_FALSE(h.strategy().crash_consumer(1));
  for (UserId u = 100; u < 105; ++u) h.spawn_like(7, u);
  h.run_until(h.now() + 200ms);
  for (LikeResult r : h.spawned_likes()) ASSERT_EQ(r, LikeResult::ok);
  h.drain();
  EXPECT_EQ(h.figure("consumer_crashes"), 1.0);
  EXPECT_EQ(h.world().kafka().stats().redelivered, 5u);
}

// The truth is the PostgreSQL server's own state, read without cost and without the strategy:
// the like rows (one per distinct like, kept by the unique key) and the counter rows.
std::int64_t counter_row(StrategyHarness& h, PostId post) {
  return h.world().postgres().peek_counter(post);
}
std::int64_t like_rows(StrategyHarness& h, PostId post) {
  return h.world().postgres().peek_like_rows(post);
}
// Σ of every counter row the server holds, whichever post it is on.
std::int64_t all_counter_rows(StrategyHarness& h) {
  std::int64_t sum = 0;
  h.world().postgres().for_each_counter([&](PostId, std::int64_t n) { sum += n; });
  return sum;
}

TEST(AsyncLog, WithoutIdempotenceACrashDoubleCountsExactlyTheRedeliveredBatch) {
  StrategyHarness h;
  h.make(knobs(false));
  crash_after_a_batch_of_five(h);
  ASSERT_EQ(like_rows(h, 7), 15);  // 10 + 5 distinct likes
  // The crashed batch held the 5 concurrent likes: counted twice, nothing else.
  EXPECT_EQ(counter_row(h, 7), 15 + 5);
  EXPECT_EQ(all_counter_rows(h), 15 + 5);
  EXPECT_EQ(h.exact_count(7), counter_row(h, 7));
}

TEST(AsyncLog, WithIdempotenceARedeliveredBatchIsNotCountedAgain) {
  StrategyHarness h;
  h.make(knobs(true));
  crash_after_a_batch_of_five(h);
  ASSERT_EQ(like_rows(h, 7), 15);
  EXPECT_EQ(counter_row(h, 7), 15);
  EXPECT_EQ(all_counter_rows(h), 15);
  EXPECT_EQ(h.exact_count(7), 15);
  EXPECT_EQ(h.figure("redelivered_records_skipped"), 5.0);
  EXPECT_EQ(h.figure("redelivered_batches_skipped"), 1.0);
}

// The batch size comes from max_batch, not from timing: 7 likes are visible at once, the
// consumer polls 3 of them, applies them, dies before committing, and gets the same 3 again;
// the other 4 follow in batches of 3 and 1. Without idempotence the counter row ends exactly 3
// above the like rows; with it, equal.
class AsyncLogBatchRedelivery : public ::testing::TestWithParam<bool> {};

TEST_P(AsyncLogBatchRedelivery, DoublesExactlyTheAppliedBatchUnlessIdempotent) {
  const bool idempotent = GetParam();
  StrategyHarness h;
  AsyncLogKnobs k = knobs(idempotent);
  k.max_batch = 3;
  h.make(k);
  for (UserId u = 1; u <= 10; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  h.drain();
  ASSERT_EQ(counter_row(h, 7), 10);
  const std::uint64_t redelivered_before = h.world().kafka().stats().redelivered;
  ASSERT_EQ(redelivered_before, 0u);

  ASSERT_TRUE(h.strategy().crash_consumer(0));
  for (UserId u = 100; u < 107; ++u) h.spawn_like(7, u);  // one produce batch of 7
  h.run_until(h.now() + 200ms);
  ASSERT_EQ(h.spawned_likes().size(), 7u);
  for (LikeResult r : h.spawned_likes()) ASSERT_EQ(r, LikeResult::ok);
  h.drain();

  ASSERT_EQ(like_rows(h, 7), 17);
  EXPECT_EQ(h.figure("consumer_crashes"), 1.0);
  EXPECT_EQ(h.world().kafka().stats().redelivered, 3u);  // the log's own account: one batch
  const std::int64_t doubled = counter_row(h, 7) - like_rows(h, 7);
  EXPECT_EQ(doubled, idempotent ? 0 : 3);
  EXPECT_EQ(all_counter_rows(h), 17 + (idempotent ? 0 : 3));  // no other post touched
  EXPECT_EQ(h.figure("redelivered_records_skipped"), idempotent ? 3.0 : 0.0);
  EXPECT_EQ(h.world().kafka().lag(), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, AsyncLogBatchRedelivery, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "idempotent" : "at_least_once");
                         });

// The redelivered poll can reach past the crashed batch (records that arrived meanwhile): the
// guard compares one offset per batch, so the already-applied part must be skipped record by
// record, or it is counted twice.
TEST(AsyncLog, WithIdempotenceARedeliveryThatReachesFurtherCountsOnlyTheNewRecords) {
  sim::CostModel costs = StrategyHarness::default_costs();
  costs.kafka.batch_records = 5;  // five appends fill a produce batch: sent at once
  StrategyHarness h(costs);
  h.make(knobs(true, DedupMethod::redis_set));
  h.run_until(1ms);  // the consumer is waiting in its first poll
  ASSERT_TRUE(h.strategy().crash_consumer(0));
  for (UserId u = 1; u <= 5; ++u) h.spawn_like(7, u);
  // Visible ~0.15 ms later and polled; applied ~0.35 ms after that, then rewound. These five
  // become visible in between, so the redelivered poll holds all ten.
  h.run_until(1ms + 200us);
  for (UserId u = 6; u <= 10; ++u) h.spawn_like(7, u);
  h.run_until(h.now() + 200ms);
  h.drain();
  ASSERT_EQ(h.figure("batches"), 2.0) << "the redelivery did not include the second five";
  EXPECT_EQ(h.world().kafka().stats().redelivered, 5u);
  EXPECT_EQ(h.figure("redelivered_records_skipped"), 5.0);
  EXPECT_EQ(h.exact_count(7), 10);
}

TEST(AsyncLog, AFailedAppendAnswersFailedAndTheCountNeverSeesIt) {
  StrategyHarness h;
  h.make(knobs(true));
  h.log().answer(LogVerb::append, ReplyStatus::unavailable, 1);
  EXPECT_EQ(h.like(7, 1), LikeResult::failed);
  EXPECT_TRUE(h.status(7, 1).liked);  // the row exists: honest, not undone
  EXPECT_EQ(h.like(7, 2), LikeResult::ok);
  h.drain();
  EXPECT_EQ(h.exact_count(7), 1);
  EXPECT_EQ(h.figure("failed_appends"), 1.0);
}

TEST(AsyncLog, ARefusedTransactionIsRetriedUntilItLands) {
  StrategyHarness h;
  h.make(knobs(false));
  h.db().answer(DbVerb::counter_add, DbReply{0, ReplyStatus::rejected}, 2);
  for (UserId u = 1; u <= 3; ++u) ASSERT_EQ(h.like(7, u), LikeResult::ok);
  h.drain();
  EXPECT_EQ(h.exact_count(7), 3);
  EXPECT_GE(h.figure("apply_retries"), 2.0);
}

TEST(AsyncLog, ConsumersSplitThePartitionsAndDrainWaitsForAll) {
  StrategyHarness h(StrategyHarness::default_costs(), /*log_consumers=*/3);
  AsyncLogKnobs k = knobs(true);
  k.consumers = 3;
  h.make(k);
  for (PostId post = 1; post <= 12; ++post) {
    for (UserId u = 1; u <= post; ++u) h.spawn_like(post, u);
  }
  h.run_until(h.now() + 50ms);
  h.drain();
  for (PostId post = 1; post <= 12; ++post) EXPECT_EQ(h.exact_count(post), post) << post;
}

// The first post (from `from`) whose partition belongs to `consumer` of 2 (partition =
// mix64(post) % 12, owner = partition % consumers: kafka_log.h).
PostId post_owned_by(std::uint32_t consumer, PostId from) {
  PostId post = from;
  while (mix64(post) % 12 % 2 != consumer) ++post;
  return post;
}

// Two consumers; consumer 1 crashes after applying its next batch (5 likes of a post it
// owns) and before committing it. Consumer 0's post is untouched by the crash.
class AsyncLogConsumerCrash : public ::testing::TestWithParam<bool> {};

TEST_P(AsyncLogConsumerCrash, TheRedeliveredBatchIsCountedTwiceUnlessIdempotent) {
  const bool idempotent = GetParam();
  StrategyHarness h(StrategyHarness::default_costs(), /*log_consumers=*/2);
  AsyncLogKnobs k = knobs(idempotent);
  k.consumers = 2;
  h.make(k);
  const PostId hit = post_owned_by(1, 7);
  const PostId spared = post_owned_by(0, 7);
  for (UserId u = 1; u <= 10; ++u) ASSERT_EQ(h.like(hit, u), LikeResult::ok);
  for (UserId u = 1; u <= 4; ++u) ASSERT_EQ(h.like(spared, u), LikeResult::ok);
  h.drain();
  ASSERT_EQ(h.exact_count(hit), 10);
  ASSERT_EQ(h.exact_count(spared), 4);

  EXPECT_FALSE(h.strategy().crash_consumer(2));
  EXPECT_FALSE(h.strategy().crash_consumer(-1));
  ASSERT_TRUE(h.strategy().crash_consumer(1));
  for (UserId u = 100; u < 105; ++u) h.spawn_like(hit, u);  // one produce batch, one poll
  for (UserId u = 100; u < 103; ++u) h.spawn_like(spared, u);
  h.run_until(h.now() + 200ms);
  ASSERT_EQ(h.spawned_likes().size(), 8u);
  for (LikeResult r : h.spawned_likes()) ASSERT_EQ(r, LikeResult::ok);
  h.drain();

  EXPECT_EQ(h.figure("consumer_crashes"), 1.0);
  const std::uint64_t redelivered = h.world().kafka().stats().redelivered;
  EXPECT_EQ(redelivered, 5u);
  // Truth from the server: 15 like rows on `hit`; the crashed batch held its 5 new likes.
  ASSERT_EQ(like_rows(h, hit), 15);
  ASSERT_EQ(like_rows(h, spared), 7);
  if (idempotent) {
    EXPECT_EQ(counter_row(h, hit), 15);
    EXPECT_EQ(h.figure("redelivered_batches_skipped"), 1.0);
    EXPECT_EQ(h.figure("redelivered_records_skipped"), 5.0);
  } else {
    EXPECT_EQ(counter_row(h, hit), 15 + 5);
    EXPECT_EQ(h.figure("redelivered_batches_skipped"), 0.0);
  }
  EXPECT_EQ(counter_row(h, spared), 7);
  EXPECT_EQ(all_counter_rows(h), 15 + 7 + (idempotent ? 0 : 5));
  EXPECT_EQ(h.exact_count(hit), counter_row(h, hit));
  // The drain waited for the redelivered batch's commit: nothing is left to consume.
  EXPECT_EQ(h.world().kafka().lag(), 0);
  EXPECT_EQ(h.count(hit).count, h.exact_count(hit));
  EXPECT_TRUE(h.count(hit).approximate);
}

INSTANTIATE_TEST_SUITE_P(Modes, AsyncLogConsumerCrash, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "idempotent" : "at_least_once");
                         });

}  // namespace
}  // namespace likesim
