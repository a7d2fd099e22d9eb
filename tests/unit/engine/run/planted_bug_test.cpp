// Planted bugs, each run through StrategyRun + SimWorld on smoke.toml's workload (2 s): the
// checker must catch every one. How each fails without the check is said above it (checked by
// hand once against the old final check — the strategy's own count, one net number per post,
// over the oracle's posts only — and the old answer handling, which judged no answer).
#include <gtest/gtest.h>

#include "engine/run/strategy_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"
#include "tests/unit/engine/run/planted_bugs.h"

namespace likesim {
namespace {

Scenario tiny() {
  auto s = load_scenario(source_dir() + "/scenarios/smoke.toml", {"duration_s=2", "warmup_s=0"});
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Scenario{};
}

// Runs the planted strategy; `bug`, when set, gets a copy of it as it ended (the run owns and
// destroys the original).
template <class Bug>
StrategyReport run_with(const Scenario& s, Bug* bug = nullptr) {
  const StrategyConfig config = planted::redis_counter_config();
  SimWorld world(s.costs, 1, 1);
  const StrategyContext ctx = world.context(7);
  auto strategy = std::make_unique<Bug>(make_strategy(config, ctx), ctx);
  Bug* planted = strategy.get();
  StrategyRun run(s, config, world, nullptr, std::move(strategy));
  StrategyReport report = run.run();
  if (bug) bug->copy_flags(*planted);
  return report;
}

// The unbroken strategy, wrapped the same way, is clean: the checks make no false alarm.
TEST(PlantedBug, NoneMeansNoErrors) {
  const StrategyReport r = run_with<planted::Forwarding>(tiny());
  for (const OpFigures& o : r.ops) EXPECT_EQ(o.wrong_answers, 0u);
  EXPECT_EQ(r.final.lost_likes, 0u);
  EXPECT_EQ(r.final.lost_unlikes, 0u);
  EXPECT_EQ(r.final.double_counts, 0u);
  EXPECT_EQ(r.final.posts_wrong, 0u);
  EXPECT_EQ(r.final.abs_error_sum, 0u);
  EXPECT_GT(r.final.stored_total, 0);
}

// (a) 409 for new likes. Without the answer check: every count stays exact (the like never
// happened), so the old report showed 0 lost, 0 double and only more `refused`.
TEST(PlantedBug, WrongAlreadyLikedAnswersAreWrongAnswers) {
  const StrategyReport r = run_with<planted::RefusesSomeNewLikes>(tiny());
  EXPECT_GT(r.op(Op::like).wrong_answers, 0u);
  EXPECT_LE(r.op(Op::like).wrong_answers, r.op(Op::like).refused);
  EXPECT_EQ(r.op(Op::unlike).wrong_answers, 0u);
  EXPECT_EQ(r.op(Op::status).wrong_answers, 0u);
  EXPECT_EQ(r.final.abs_error_sum, 0u);  // the counts themselves are right
}

// (b) One increment on the wrong post. Without reading every post the backend holds, the
// other post (nobody liked it, so the oracle never saw it) was never checked: the old check
// reported 1 lost and 0 double.
TEST(PlantedBug, CountingOnTheWrongPostIsLostThereAndDoubleOnTheOther) {
  planted::CountsOnTheWrongPost bug(nullptr, StrategyContext{});
  const StrategyReport r = run_with(tiny(), &bug);
  ASSERT_TRUE(bug.moved_);
  EXPECT_EQ(r.final.lost_likes, 1u);
  EXPECT_EQ(r.final.double_counts, 1u);
  EXPECT_EQ(r.final.lost_unlikes, 0u);
  EXPECT_EQ(r.final.posts_wrong, 2u);
  EXPECT_EQ(r.final.abs_error_sum, 2u);
}

// (d) One like lost and another doubled on the same post. The old check compared one net
// number per post: stored = truth, so it reported 0 lost and 0 double.
TEST(PlantedBug, ALostLikeAndADoubleCountOnOnePostDoNotCancel) {
  planted::LosesOneDoublesAnother bug(nullptr, StrategyContext{});
  const StrategyReport r = run_with(tiny(), &bug);
  ASSERT_TRUE(bug.done_);
  EXPECT_EQ(r.final.lost_likes, 1u);
  EXPECT_EQ(r.final.double_counts, 1u);
  EXPECT_EQ(r.final.posts_wrong, 1u);
  EXPECT_EQ(r.final.abs_error_sum, 0u);  // the net count is right: that is what hid it
}

// (c) The final read fails. Before, the strategy's exact_count answered 0 for a failed read
// and the run reported every like of the post as lost; now the checker reads the backends
// itself and a read that fails is an error of the run.
TEST(PlantedBug, AFailedStateReadFailsTheRunInsteadOfShowingLostLikes) {
  const Scenario s = tiny();
  const StrategyConfig config = planted::redis_counter_config();
  SimWorld sim(s.costs, 1, 1);
  planted::UnreadableWorld world(sim);
  StrategyRun run(s, config, world, nullptr);
  try {
    run.run();
    ADD_FAILURE() << "the run ignored a failed state read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("redis sim:0"), std::string::npos) << e.what();
  }
  const StrategyReport partial = run.partial_report();
  EXPECT_GT(partial.op(Op::like).count, 0u);  // the workload ran; only the check failed
  EXPECT_EQ(partial.final.lost_likes, 0u);
  EXPECT_EQ(partial.final.posts_checked, 0u);
}

}  // namespace
}  // namespace likesim
