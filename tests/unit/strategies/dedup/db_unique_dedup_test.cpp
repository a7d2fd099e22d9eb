// DbUniqueDedup: the likes table's primary key answers add / remove / contains.
#include "strategies/dedup/db_unique_dedup.h"

#include <gtest/gtest.h>

#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

TEST(DbUniqueDedup, ThePrimaryKeyRefusesASecondLike) {
  StrategyHarness h;
  DbUniqueDedup dedup(h.context().db);
  std::vector<DedupAnswer> answers;
  std::vector<bool> present;
  auto script = [&]() -> Task<void> {
    DedupAnswer a = co_await dedup.add(7, 100);
    answers.push_back(a);
    a = co_await dedup.add(7, 100);
    answers.push_back(a);
    a = co_await dedup.remove(7, 555);
    answers.push_back(a);
    StatusResult s = co_await dedup.contains(7, 100);
    present.push_back(s.liked);
    a = co_await dedup.remove(7, 100);
    answers.push_back(a);
    s = co_await dedup.contains(7, 100);
    present.push_back(s.liked);
  };
  h.run(script());
  EXPECT_EQ(answers, (std::vector<DedupAnswer>{DedupAnswer::changed, DedupAnswer::unchanged,
                                               DedupAnswer::unchanged, DedupAnswer::changed}));
  EXPECT_EQ(present, (std::vector<bool>{true, false}));
  ASSERT_EQ(h.db().calls().size(), 6u);
  EXPECT_EQ(h.db().calls()[0].verb, DbVerb::insert_like);
  EXPECT_EQ(h.db().calls()[2].verb, DbVerb::delete_like);
  EXPECT_EQ(h.db().calls()[3].verb, DbVerb::like_exists);
}

TEST(DbUniqueDedup, AReplyThatIsNotOkIsFailed) {
  StrategyHarness h;
  DbUniqueDedup dedup(h.context().db);
  h.db().answer(DbVerb::insert_like, DbReply{1, ReplyStatus::timeout}, 1);
  DedupAnswer a = DedupAnswer::changed;
  auto script = [&]() -> Task<void> { a = co_await dedup.add(7, 100); };
  h.run(script());
  EXPECT_EQ(a, DedupAnswer::failed);
}

}  // namespace
}  // namespace likesim
