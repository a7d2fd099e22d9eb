// CountQuery: likes are rows, a count is COUNT(*): exact, and every answer says so.
#include "strategies/count_query.h"

#include <gtest/gtest.h>

#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

TEST(CountQuery, LikesAreRowsAndTheCountIsExact) {
  StrategyHarness h;
  h.make(CountQueryKnobs{});
  EXPECT_EQ(h.like(7, 100), LikeResult::ok);
  EXPECT_EQ(h.like(7, 100), LikeResult::already_liked);
  EXPECT_EQ(h.like(7, 101), LikeResult::ok);
  EXPECT_EQ(h.unlike(7, 555), UnlikeResult::not_liked);
  EXPECT_EQ(h.unlike(7, 101), UnlikeResult::ok);
  EXPECT_EQ(h.unlike(7, 101), UnlikeResult::not_liked);
  EXPECT_TRUE(h.status(7, 100).liked);
  EXPECT_FALSE(h.status(7, 101).liked);
  EXPECT_EQ(h.world().postgres().peek_like_rows(7), 1);

  h.db().clear_calls();
  const CountResult c = h.count(7);
  EXPECT_TRUE(c.ok);
  EXPECT_EQ(c.count, 1);
  EXPECT_FALSE(c.approximate);
  ASSERT_EQ(h.db().calls().size(), 1u);
  EXPECT_EQ(h.db().calls()[0].verb, DbVerb::count_likes);
  h.drain();
  EXPECT_EQ(h.exact_count(7), 1);
}

TEST(CountQuery, BatchCountIsOnePipelinedReadOfCountAndExistsPerPost) {
  StrategyHarness h;
  h.make(CountQueryKnobs{});
  for (UserId u = 1; u <= 3; ++u) ASSERT_EQ(h.like(10, u), LikeResult::ok);
  ASSERT_EQ(h.like(12, 9), LikeResult::ok);
  h.db().clear_calls();
  const BatchCountResult page = h.batch_count(10, 3, /*user=*/2);
  ASSERT_EQ(h.db().calls().size(), 1u);
  EXPECT_EQ(h.db().calls()[0].kind, DbCallKind::read_batch);
  EXPECT_EQ(h.db().calls()[0].n, 6u);
  ASSERT_TRUE(page.ok);
  ASSERT_EQ(page.n, 3);
  EXPECT_EQ(page.counts[0], 3);
  EXPECT_EQ(page.counts[1], 0);
  EXPECT_EQ(page.counts[2], 1);
  EXPECT_TRUE(page.liked[0]);
  EXPECT_FALSE(page.liked[1]);
  EXPECT_FALSE(page.liked[2]);
  EXPECT_FALSE(page.approximate[0]);
}

TEST(CountQuery, AnyReplyThatIsNotOkAnswersFailed) {
  StrategyHarness h;
  h.make(CountQueryKnobs{});
  h.db().answer(DbVerb::insert_like, DbReply{0, ReplyStatus::timeout}, 1);
  EXPECT_EQ(h.like(7, 100), LikeResult::failed);
  h.db().answer(DbVerb::delete_like, DbReply{0, ReplyStatus::rejected}, 1);
  EXPECT_EQ(h.unlike(7, 100), UnlikeResult::failed);
  h.db().answer(DbVerb::count_likes, DbReply{0, ReplyStatus::unavailable}, 1);
  EXPECT_FALSE(h.count(7).ok);
  h.db().answer(DbVerb::like_exists, DbReply{0, ReplyStatus::error}, 1);
  EXPECT_FALSE(h.status(7, 100).ok);
}

}  // namespace
}  // namespace likesim
