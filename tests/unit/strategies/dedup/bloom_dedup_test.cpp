// BloomDedup (seed 003 Deep Dive 2): the filter's "no" settles a like, an unlike or a status
// without the likes table; a like's row is written behind through the log; only a "maybe" is
// confirmed in the table, and never against a row that is still pending in the log.
#include "strategies/dedup/bloom_dedup.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "tests/unit/strategies/dedup/bloom_fixture.h"

namespace likesim {
namespace {

TEST(BloomDedup, ANewLikeIsOneFilterCallAndItsRowIsWrittenBehind) {
  BloomFixture f;
  f.start();
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);
  const auto& kv = f.harness().kv().calls();
  ASSERT_EQ(kv.size(), 1u);  // BF.ADD: "some bit was 0" is BF.EXISTS = 0, atomically
  EXPECT_EQ(kv[0].verb, KvVerb::bf_add);
  EXPECT_EQ(kv[0].key, KeyId::bloom(7));
  EXPECT_EQ(f.table_reads(), 0);
  EXPECT_EQ(f.harness().world().kafka().stats().appended, 1u);
  f.drain();
  EXPECT_TRUE(f.row(7, 100));
  EXPECT_EQ(f.table_reads(), 0);
  EXPECT_EQ(f.figure("bloom_table_reads_saved"), 1.0);
  EXPECT_EQ(f.figure("bloom_table_reads"), 0.0);
  EXPECT_EQ(f.figure("bloom_rows_written"), 1.0);
  EXPECT_EQ(f.dedup().write_behind().pending_pairs(), 0u);
}

// The request path never writes the table: with no consumer running, the like is answered
// and its row is not there.
TEST(BloomDedup, TheLikeIsAnsweredBeforeItsRowExists) {
  BloomFixture f;
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);
  EXPECT_EQ(f.db_calls(), 0u);
  EXPECT_FALSE(f.row(7, 100));
  EXPECT_EQ(f.dedup().write_behind().pending_pairs(), 1u);
  f.start();
  f.drain();
  EXPECT_TRUE(f.row(7, 100));
}

// The race of the issue: the row is still in the log, the filter says "maybe", the table says
// "no". The pending row answers instead: a second like is refused (not a double count), a
// status sees the like, an unlike removes it (its delete queued behind the insert).
TEST(BloomDedup, APendingLikeAnswersASecondLikeAStatusAndAnUnlike) {
  BloomFixture f;
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);
  EXPECT_EQ(f.add(7, 100), DedupAnswer::unchanged);
  EXPECT_TRUE(f.contains(7, 100).liked);
  EXPECT_EQ(f.remove(7, 100), DedupAnswer::changed);
  EXPECT_FALSE(f.contains(7, 100).liked);
  EXPECT_EQ(f.remove(7, 100), DedupAnswer::unchanged);
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);  // liked again, still all in the log
  EXPECT_EQ(f.db_calls(), 0u);  // nothing read a table that does not have the rows yet
  EXPECT_EQ(f.figure("bloom_pending_answers"), 6.0);
  EXPECT_EQ(f.harness().world().kafka().stats().appended, 3u);  // +1, -1, +1 in order
  f.start();
  f.drain();
  EXPECT_TRUE(f.row(7, 100));
  EXPECT_EQ(f.dedup().write_behind().pending_pairs(), 0u);
}

TEST(BloomDedup, AnUnlikeOfAPendingLikeLeavesNoRow) {
  BloomFixture f;
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);
  EXPECT_EQ(f.remove(7, 100), DedupAnswer::changed);
  f.start();
  f.drain();
  EXPECT_FALSE(f.row(7, 100));
  EXPECT_EQ(f.figure("bloom_rows_written"), 2.0);
}

// Once the table is current, the bits of an unliked pair stay: its next like hears "maybe",
// the table says "not liked", and the like is new (counted as a false positive: the filter
// cannot tell a re-like from a collision).
TEST(BloomDedup, AReLikeAfterTheUnlikeIsWrittenGoesToTheTable) {
  BloomFixture f;
  f.start();
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);
  EXPECT_EQ(f.remove(7, 100), DedupAnswer::changed);
  f.drain();
  EXPECT_FALSE(f.row(7, 100));
  const int reads = f.table_reads();
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);
  EXPECT_EQ(f.table_reads(), reads + 1);
  EXPECT_EQ(f.figure("bloom_false_positives"), 1.0);
  f.drain();
  EXPECT_TRUE(f.row(7, 100));
}

TEST(BloomDedup, ARealDuplicateIsConfirmedInTheTable) {
  BloomFixture f;
  f.start();
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);
  f.drain();
  EXPECT_EQ(f.add(7, 100), DedupAnswer::unchanged);
  EXPECT_EQ(f.table_reads(), 1);
  EXPECT_EQ(f.figure("bloom_maybe"), 1.0);
  EXPECT_EQ(f.figure("bloom_false_positives"), 0.0);
  EXPECT_TRUE(f.contains(7, 100).liked);
  EXPECT_EQ(f.remove(7, 100), DedupAnswer::changed);
  EXPECT_EQ(f.table_reads(), 3);
  f.drain();
  EXPECT_FALSE(f.row(7, 100));
}

TEST(BloomDedup, AFalsePositiveIsSettledByTheTableAndCounted) {
  BloomFixture f;
  f.start();
  // The filter answers "all bits were set" for three users nobody has liked with.
  f.harness().kv().answer(KvVerb::bf_add, KvReply{0, ReplyStatus::ok, false}, 3);
  for (UserId u = 1; u <= 3; ++u) EXPECT_EQ(f.add(7, u), DedupAnswer::changed) << u;
  f.drain();
  EXPECT_EQ(f.harness().world().postgres().peek_like_rows(7), 3);
  EXPECT_EQ(f.figure("bloom_false_positives"), 3.0);
  EXPECT_EQ(f.figure("bloom_maybe"), 3.0);
  EXPECT_EQ(f.figure("bloom_false_positive_rate"), 1.0);  // 3 of 3 negative queries
}

TEST(BloomDedup, TheFiltersNoAnswersUnlikesAndStatusesWithoutTheTable) {
  BloomFixture f;
  f.start();
  EXPECT_EQ(f.remove(7, 100), DedupAnswer::unchanged);
  EXPECT_FALSE(f.contains(7, 100).liked);
  EXPECT_EQ(f.db_calls(), 0u);
  EXPECT_EQ(f.figure("bloom_table_reads_saved"), 2.0);
  const auto& kv = f.harness().kv().calls();
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv[0].verb, KvVerb::bf_exists);  // unlike and status never set bits
  EXPECT_EQ(kv[1].verb, KvVerb::bf_exists);
}

TEST(BloomDedup, AFailedFilterCallFailsAndCountsNothing) {
  BloomFixture f;
  f.start();
  f.harness().kv().answer(KvVerb::bf_add, KvReply{0, ReplyStatus::timeout, false}, 1);
  EXPECT_EQ(f.add(7, 100), DedupAnswer::failed);
  EXPECT_EQ(f.harness().world().kafka().stats().appended, 0u);
  f.harness().kv().answer(KvVerb::bf_exists, KvReply{0, ReplyStatus::unavailable, false}, 2);
  EXPECT_EQ(f.remove(7, 100), DedupAnswer::failed);
  EXPECT_FALSE(f.contains(7, 100).ok);
  f.drain();
  EXPECT_EQ(f.db_calls(), 0u);
}

// A like whose append fails is not pending: the bits are set, so the next question about
// the pair goes to the table, which has no row.
TEST(BloomDedup, AFailedAppendFailsAndLeavesNothingPending) {
  BloomFixture f;
  f.start();
  f.harness().log().answer(LogVerb::append, ReplyStatus::unavailable, 1);
  EXPECT_EQ(f.add(7, 100), DedupAnswer::failed);
  EXPECT_EQ(f.dedup().write_behind().pending_pairs(), 0u);
  EXPECT_EQ(f.figure("bloom_failed_appends"), 1.0);
  EXPECT_FALSE(f.contains(7, 100).liked);
  EXPECT_EQ(f.table_reads(), 1);
  EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);
  f.drain();
  EXPECT_TRUE(f.row(7, 100));
}

// Operations on one pair that arrive together take turns in arrival order: of two likes one
// wins; an unlike behind them removes the winner; a status behind that sees it gone.
TEST(BloomDedup, ConcurrentOperationsOnOnePairTakeTurns) {
  BloomFixture f;
  f.start();
  DedupAnswer like1 = DedupAnswer::failed, like2 = DedupAnswer::failed,
              unlike = DedupAnswer::failed;
  StatusResult status{true, false};
  Runtime& rt = f.harness().world().runtime();
  rt.spawn(f.do_add(7, 100, &like1));
  rt.spawn(f.do_add(7, 100, &like2));
  rt.spawn(f.do_remove(7, 100, &unlike));
  rt.spawn(f.do_contains(7, 100, &status));
  f.harness().run_until(f.harness().now() + 50ms);
  EXPECT_EQ(like1, DedupAnswer::changed);
  EXPECT_EQ(like2, DedupAnswer::unchanged);
  EXPECT_EQ(unlike, DedupAnswer::changed);
  EXPECT_TRUE(status.ok);
  EXPECT_FALSE(status.liked);
  EXPECT_EQ(f.figure("bloom_pair_waits"), 3.0);
  f.drain();
  EXPECT_FALSE(f.row(7, 100));
}

// Many likes on many posts, two consumers: after the drain every row is in the table and
// nothing is pending; the rows went in batches, not one transaction per like.
TEST(BloomDedup, DrainPutsEveryAcceptedRowInTheTable) {
  BloomFixture f(/*log_consumers=*/2);
  f.start();
  std::vector<DedupAnswer> answers(400, DedupAnswer::failed);
  Runtime& rt = f.harness().world().runtime();
  for (int i = 0; i < 400; ++i) {
    rt.spawn(f.do_add(static_cast<PostId>(1 + i % 20), static_cast<UserId>(1000 + i),
                      &answers[static_cast<std::size_t>(i)]));
  }
  f.harness().run_until(f.harness().now() + 20ms);
  f.drain();
  for (int i = 0; i < 400; ++i) {
    EXPECT_EQ(answers[static_cast<std::size_t>(i)], DedupAnswer::changed) << i;
    EXPECT_TRUE(f.row(static_cast<PostId>(1 + i % 20), static_cast<UserId>(1000 + i))) << i;
  }
  EXPECT_EQ(f.dedup().write_behind().pending_pairs(), 0u);
  EXPECT_EQ(f.figure("bloom_rows_written"), 400.0);
  EXPECT_LT(f.figure("bloom_row_batches"), 50.0);
}

// A page: pending rows answer from memory, the rest ask the filter in one pipeline, and only
// the filter's "maybe" answers go to the table, in one read batch.
TEST(BloomDedup, APageAsksTheTableOnlyAboutMaybes) {
  BloomFixture f;
  f.start();
  EXPECT_EQ(f.add(11, 5), DedupAnswer::changed);
  EXPECT_EQ(f.add(12, 5), DedupAnswer::changed);
  f.drain();
  EXPECT_EQ(f.add(13, 5), DedupAnswer::changed);  // pending: its consumer polls later
  ASSERT_EQ(f.dedup().write_behind().pending_pairs(), 1u);
  f.harness().kv().clear_calls();
  f.harness().db().clear_calls();
  std::array<bool, 5> liked{};
  ReplyStatus status = ReplyStatus::error;
  auto read = [&]() -> Task<void> {
    status = co_await f.dedup().contains_page(10, 5, 5, liked.data());
  };
  f.harness().run(read());
  EXPECT_EQ(status, ReplyStatus::ok);
  EXPECT_EQ(liked, (std::array<bool, 5>{false, true, true, true, false}));
  const auto& kv = f.harness().kv().calls();
  ASSERT_EQ(kv.size(), 1u);
  EXPECT_EQ(kv[0].kind, KvCallKind::pipeline);
  EXPECT_EQ(kv[0].n, 4u);  // 10, 11, 12, 14; 13 is pending
  ASSERT_EQ(f.table_reads(), 1);
  for (const auto& c : f.harness().db().calls()) {
    if (c.verb != DbVerb::like_exists) continue;
    EXPECT_EQ(c.kind, DbCallKind::read_batch);
    EXPECT_EQ(c.n, 2u);  // 11 and 12
  }
}

}  // namespace
}  // namespace likesim
