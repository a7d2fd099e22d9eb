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

TEST(AsyncLog, WithoutIdempotenceACrashDoubleCountsExactlyTheRedeliveredBatch) {
  StrategyHarness h;
  h.make(knobs(false));
  crash_after_a_batch_of_five(h);
  const std::int64_t distinct = 15;
  EXPECT_EQ(h.exact_count(7), distinct + 5);
  EXPECT_EQ(h.exact_count(7) - distinct,
            static_cast<std::int64_t>(h.world().kafka().stats().redelivered));
}

TEST(AsyncLog, WithIdempotenceARedeliveredBatchIsNotCountedAgain) {
  StrategyHarness h;
  h.make(knobs(true));
  crash_after_a_batch_of_five(h);
  EXPECT_EQ(h.exact_count(7), 15);
  EXPECT_EQ(h.figure("redelivered_records_skipped"), 5.0);
  EXPECT_EQ(h.figure("redelivered_batches_skipped"), 1.0);
}

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
  const std::int64_t truth = 15;
  if (idempotent) {
    EXPECT_EQ(h.exact_count(hit), truth);
    EXPECT_EQ(h.figure("redelivered_batches_skipped"), 1.0);
    EXPECT_EQ(h.figure("redelivered_records_skipped"), 5.0);
  } else {
    EXPECT_EQ(h.exact_count(hit) - truth, static_cast<std::int64_t>(redelivered));
    EXPECT_EQ(h.figure("redelivered_batches_skipped"), 0.0);
  }
  EXPECT_EQ(h.exact_count(spared), 7);
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
