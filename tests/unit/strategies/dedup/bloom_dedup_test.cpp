// BloomDedup (seed 003): "no" from the filter is a new like (row + BF.ADD); "maybe" is settled
// by the likes table, which stays the truth for remove and contains.
#include "strategies/dedup/bloom_dedup.h"

#include <gtest/gtest.h>

#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

double figure(const Dedup& d, std::string_view name) {
  std::vector<Strategy::Figure> figures;
  d.figures(figures);
  for (const auto& f : figures) {
    if (f.name == name) return f.value;
  }
  return -1;
}

TEST(BloomDedup, ANewLikeWritesTheRowAndTheFilter) {
  StrategyHarness h;
  const StrategyContext ctx = h.context();
  BloomDedup dedup(ctx.kv, ctx.db);
  DedupAnswer first = DedupAnswer::failed, again = DedupAnswer::failed;
  auto script = [&]() -> Task<void> {
    first = co_await dedup.add(7, 100);
    again = co_await dedup.add(7, 100);
  };
  h.run(script());
  EXPECT_EQ(first, DedupAnswer::changed);
  EXPECT_EQ(again, DedupAnswer::unchanged);
  const auto& kv = h.kv().calls();
  ASSERT_EQ(kv.size(), 3u);  // EXISTS (no), ADD; EXISTS (maybe)
  EXPECT_EQ(kv[0].verb, KvVerb::bf_exists);
  EXPECT_EQ(kv[0].key, KeyId::bloom(7));
  EXPECT_EQ(kv[1].verb, KvVerb::bf_add);
  EXPECT_EQ(kv[2].verb, KvVerb::bf_exists);
  ASSERT_EQ(h.db().calls().size(), 2u);  // the row, then the primary key settles the "maybe"
  EXPECT_EQ(h.db().calls()[1].verb, DbVerb::insert_like);
  EXPECT_TRUE(h.world().postgres().peek_like(7, 100));
  EXPECT_EQ(figure(dedup, "bloom_maybe_answers"), 1.0);
  EXPECT_EQ(figure(dedup, "bloom_false_positives"), 0.0);
}

TEST(BloomDedup, AFalsePositiveIsSettledByTheTableAndCounted) {
  StrategyHarness h;
  const StrategyContext ctx = h.context();
  BloomDedup dedup(ctx.kv, ctx.db);
  h.kv().answer(KvVerb::bf_exists, KvReply{1, ReplyStatus::ok, false}, 3);
  std::vector<DedupAnswer> answers;
  auto script = [&]() -> Task<void> {
    for (UserId u = 1; u <= 3; ++u) {
      const DedupAnswer a = co_await dedup.add(7, u);
      answers.push_back(a);
    }
  };
  h.run(script());
  EXPECT_EQ(answers, std::vector<DedupAnswer>(3, DedupAnswer::changed));
  EXPECT_EQ(figure(dedup, "bloom_false_positives"), 3.0);
  EXPECT_EQ(h.world().postgres().peek_like_rows(7), 3);
}

TEST(BloomDedup, RemoveAndContainsUseTheTableAndTheBitsStay) {
  StrategyHarness h;
  const StrategyContext ctx = h.context();
  BloomDedup dedup(ctx.kv, ctx.db);
  std::vector<DedupAnswer> answers;
  std::vector<bool> present;
  auto script = [&]() -> Task<void> {
    DedupAnswer a = co_await dedup.add(7, 100);
    answers.push_back(a);
    a = co_await dedup.remove(7, 100);
    answers.push_back(a);
    a = co_await dedup.remove(7, 100);
    answers.push_back(a);
    StatusResult s = co_await dedup.contains(7, 100);
    present.push_back(s.liked);
    a = co_await dedup.add(7, 100);  // the filter still says "maybe": the table says new
    answers.push_back(a);
    s = co_await dedup.contains(7, 100);
    present.push_back(s.liked);
  };
  h.run(script());
  EXPECT_EQ(answers, (std::vector<DedupAnswer>{DedupAnswer::changed, DedupAnswer::changed,
                                               DedupAnswer::unchanged, DedupAnswer::changed}));
  EXPECT_EQ(present, (std::vector<bool>{false, true}));
  EXPECT_EQ(figure(dedup, "bloom_maybe_answers"), 1.0);
}

TEST(BloomDedup, AFailedFilterReadFailsWithoutWritingTheRow) {
  StrategyHarness h;
  const StrategyContext ctx = h.context();
  BloomDedup dedup(ctx.kv, ctx.db);
  h.kv().answer(KvVerb::bf_exists, KvReply{0, ReplyStatus::timeout, false}, 1);
  DedupAnswer a = DedupAnswer::changed;
  auto script = [&]() -> Task<void> { a = co_await dedup.add(7, 100); };
  h.run(script());
  EXPECT_EQ(a, DedupAnswer::failed);
  EXPECT_EQ(h.db().calls().size(), 0u);
}

}  // namespace
}  // namespace likesim
