// Dedup (strategies/dedup/dedup.cpp): make_dedup picks the method's class, answer_of maps a
// reply to changed / unchanged / failed, and contains_page answers a feed page in one round
// trip per method (the default asks post by post).
#include "strategies/dedup/dedup.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/random_stream.h"
#include "strategies/dedup/bloom_dedup.h"
#include "strategies/dedup/db_unique_dedup.h"
#include "strategies/dedup/redis_set_dedup.h"
#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

TEST(Dedup, MakeDedupBuildsTheMethodsClass) {
  StrategyHarness h;
  const StrategyContext ctx = h.context();
  EXPECT_NE(dynamic_cast<DbUniqueDedup*>(make_dedup(DedupMethod::db_unique, ctx).get()), nullptr);
  EXPECT_NE(dynamic_cast<RedisSetDedup*>(make_dedup(DedupMethod::redis_set, ctx).get()), nullptr);
  EXPECT_NE(dynamic_cast<BloomDedup*>(make_dedup(DedupMethod::bloom, ctx).get()), nullptr);
  // lua_atomic's script keeps the set; status and page reads use the same set.
  EXPECT_NE(dynamic_cast<RedisSetDedup*>(make_dedup(DedupMethod::lua_atomic, ctx).get()), nullptr);
}

// The script (single_counter, sharded_counter) SADDs liked:{P} itself, so the dedup it reads
// status from must be that one unsplit set, whatever dedup_shards says.
TEST(Dedup, LuaAtomicIgnoresSetShardsAndRedisSetUsesThem) {
  StrategyHarness h;
  const StrategyContext ctx = h.context();
  auto lua = make_dedup(DedupMethod::lua_atomic, ctx, 4);
  auto split = make_dedup(DedupMethod::redis_set, ctx, 4);
  std::vector<DedupAnswer> answers;
  auto script = [&]() -> Task<void> {
    DedupAnswer a = co_await lua->add(7, 100);
    answers.push_back(a);
    a = co_await split->add(8, 100);
    answers.push_back(a);
  };
  h.run(script());
  EXPECT_EQ(answers, (std::vector<DedupAnswer>{DedupAnswer::changed, DedupAnswer::changed}));
  ASSERT_EQ(h.kv().calls().size(), 2u);
  EXPECT_EQ(h.kv().calls()[0].key, KeyId::like_set(7));
  EXPECT_EQ(h.kv().calls()[1].key,
            KeyId::like_set_shard(8, static_cast<std::uint16_t>(1 + mix64(100) % 4)));
}

TEST(Dedup, AnswerOfMapsOneToChangedAndAnyNotOkToFailed) {
  EXPECT_EQ(answer_of(ReplyStatus::ok, 1), DedupAnswer::changed);
  EXPECT_EQ(answer_of(ReplyStatus::ok, 0), DedupAnswer::unchanged);
  for (ReplyStatus s : {ReplyStatus::timeout, ReplyStatus::rejected, ReplyStatus::unavailable,
                        ReplyStatus::error}) {
    EXPECT_EQ(answer_of(s, 1), DedupAnswer::failed);
    EXPECT_EQ(answer_of(s, 0), DedupAnswer::failed);
  }
}

// A dedup that overrides only what it must: the default contains_page asks contains() once
// per post, and one answer that is not ok makes the page's status an error.
class MapDedup final : public Dedup {
 public:
  std::map<std::pair<PostId, UserId>, StatusResult> answers;
  std::vector<PostId> asked;
  Task<DedupAnswer> add(PostId, UserId) override { co_return DedupAnswer::failed; }
  Task<DedupAnswer> remove(PostId, UserId) override { co_return DedupAnswer::failed; }
  Task<StatusResult> contains(PostId post, UserId user) override {
    asked.push_back(post);
    auto it = answers.find({post, user});
    co_return it != answers.end() ? it->second : StatusResult{false, true};
  }
};

TEST(Dedup, TheDefaultContainsPageAsksPostByPost) {
  StrategyHarness h;
  MapDedup dedup;
  dedup.answers[{11, 5}] = StatusResult{true, true};
  dedup.answers[{13, 5}] = StatusResult{true, true};
  dedup.answers[{13, 6}] = StatusResult{false, false};
  std::array<bool, 4> liked5{}, liked6{};
  ReplyStatus s5 = ReplyStatus::error, s6 = ReplyStatus::ok;
  auto script = [&]() -> Task<void> {
    s5 = co_await dedup.contains_page(10, 4, 5, liked5.data());
    s6 = co_await dedup.contains_page(10, 4, 6, liked6.data());
  };
  h.run(script());
  EXPECT_EQ(s5, ReplyStatus::ok);
  EXPECT_EQ(liked5, (std::array<bool, 4>{false, true, false, true}));
  EXPECT_EQ(s6, ReplyStatus::error);
  EXPECT_EQ(liked6, (std::array<bool, 4>{false, false, false, false}));
  EXPECT_EQ(dedup.asked, (std::vector<PostId>{10, 11, 12, 13, 10, 11, 12, 13}));
}

struct PageCase {
  std::string label;
  DedupMethod method;
  int set_shards;
};

void PrintTo(const PageCase& c, std::ostream* os) { *os << c.label; }

class DedupPage : public ::testing::TestWithParam<PageCase> {
 protected:
  bool in_redis() const { return GetParam().method == DedupMethod::redis_set; }
  bool bloom() const { return GetParam().method == DedupMethod::bloom; }
  // Bloom's rows are written behind by its consumers: they run for the test, and stop after.
  static void stop(Dedup& dedup, StrategyHarness& h) {
    dedup.stop();
    Scheduler& s = h.world().scheduler();
    while (!s.empty()) s.run_one();
  }
};

// User 5 liked posts 10 and 12 (user 6 liked 11); the page 10..13 for user 5 is read in one
// call: a pipeline of SISMEMBERs for Redis sets, one read batch of EXISTS for the table.
TEST_P(DedupPage, APageIsOneRoundTripAndMatchesContains) {
  StrategyHarness h;
  auto dedup = make_dedup(GetParam().method, h.context(), GetParam().set_shards);
  std::array<bool, 4> page{};
  std::array<bool, 4> one_by_one{};
  ReplyStatus status = ReplyStatus::error;
  dedup->start();
  auto setup = [&]() -> Task<void> {
    for (PostId p : {10, 12}) {
      const DedupAnswer a = co_await dedup->add(p, 5);
      EXPECT_EQ(a, DedupAnswer::changed);
    }
    const DedupAnswer a = co_await dedup->add(11, 6);
    EXPECT_EQ(a, DedupAnswer::changed);
    co_await dedup->drain();
  };
  h.run(setup());
  h.kv().clear_calls();
  h.db().clear_calls();
  auto read = [&]() -> Task<void> {
    status = co_await dedup->contains_page(10, 4, 5, page.data());
  };
  h.run(read());
  EXPECT_EQ(status, ReplyStatus::ok);
  EXPECT_EQ(page, (std::array<bool, 4>{true, false, true, false}));
  if (in_redis()) {
    ASSERT_EQ(h.kv().calls().size(), 1u);
    EXPECT_EQ(h.kv().calls()[0].kind, KvCallKind::pipeline);
    EXPECT_EQ(h.kv().calls()[0].n, 4u);
    EXPECT_EQ(h.kv().calls()[0].verb, KvVerb::sismember);
    EXPECT_EQ(h.db().calls().size(), 0u);
  } else if (bloom()) {
    // The filter for all four, the table only for its "maybe" answers (10 and 12).
    ASSERT_EQ(h.kv().calls().size(), 1u);
    EXPECT_EQ(h.kv().calls()[0].kind, KvCallKind::pipeline);
    EXPECT_EQ(h.kv().calls()[0].n, 4u);
    EXPECT_EQ(h.kv().calls()[0].verb, KvVerb::bf_exists);
    ASSERT_EQ(h.db().calls().size(), 1u);
    EXPECT_EQ(h.db().calls()[0].kind, DbCallKind::read_batch);
    EXPECT_EQ(h.db().calls()[0].n, 2u);
  } else {
    ASSERT_EQ(h.db().calls().size(), 1u);
    EXPECT_EQ(h.db().calls()[0].kind, DbCallKind::read_batch);
    EXPECT_EQ(h.db().calls()[0].n, 4u);
    EXPECT_EQ(h.db().calls()[0].verb, DbVerb::like_exists);
    EXPECT_EQ(h.kv().calls().size(), 0u);
  }
  auto each = [&]() -> Task<void> {
    for (int i = 0; i < 4; ++i) {
      const StatusResult s = co_await dedup->contains(10 + static_cast<PostId>(i), 5);
      one_by_one[static_cast<std::size_t>(i)] = s.liked;
    }
  };
  h.run(each());
  EXPECT_EQ(one_by_one, page);
  stop(*dedup, h);
}

TEST_P(DedupPage, APageWhoseStoreFailsIsNotOk) {
  StrategyHarness h;
  auto dedup = make_dedup(GetParam().method, h.context(), GetParam().set_shards);
  if (in_redis()) {
    h.kv().answer(KvVerb::sismember, KvReply{0, ReplyStatus::unavailable, false}, 1);
  } else if (bloom()) {
    h.kv().answer(KvVerb::bf_exists, KvReply{0, ReplyStatus::unavailable, false}, 1);
  } else {
    h.db().answer(DbVerb::like_exists, DbReply{0, ReplyStatus::unavailable}, 1);
  }
  std::array<bool, 3> page{};
  ReplyStatus status = ReplyStatus::ok;
  auto read = [&]() -> Task<void> {
    status = co_await dedup->contains_page(10, 3, 5, page.data());
  };
  h.run(read());
  EXPECT_NE(status, ReplyStatus::ok);
}

INSTANTIATE_TEST_SUITE_P(Methods, DedupPage,
                         ::testing::Values(PageCase{"db_unique", DedupMethod::db_unique, 1},
                                           PageCase{"redis_set", DedupMethod::redis_set, 1},
                                           PageCase{"redis_set_x4", DedupMethod::redis_set, 4},
                                           PageCase{"bloom", DedupMethod::bloom, 1}),
                         [](const ::testing::TestParamInfo<PageCase>& info) {
                           return info.param.label;
                         });

}  // namespace
}  // namespace likesim
