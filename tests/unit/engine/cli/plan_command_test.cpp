// likesim plan end to end, on a small, fast version of the celebrity scenario (Redis ten times
// slower, a 12k likes/s burst for 5 s): plan's answer meets the SLOs and the next smaller
// configuration does not — both checked with `likesim run`, not taken from plan's account —
// and bad flags get one line naming the flag and exit 2.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;
namespace fs = std::filesystem;

const std::string kSmall =
    "scenarios/celebrity.toml --set duration_s=8 --set warmup_s=1 "
    "--set workload.celebrity.start_s=1 --set workload.celebrity.ramp_s=1 "
    "--set workload.celebrity.hold_s=5 --set workload.celebrity.decay_s=0.5 "
    "--set workload.steady.writes_per_s=100 --set workload.steady.reads_per_s=200 "
    "--set backends.redis.request_us=112 --set drain_timeout_s=30";
const std::string kPeak = "workload.celebrity.peak_likes_per_s";

std::string temp_file(const std::string& name) {
  return (fs::temp_directory_path() / ("likesim_plan_" + std::to_string(getpid()) + name)).string();
}

// `likesim run` of the small scenario's sharded_counter with `sets`: 0 meets every SLO, 3 not.
int run_with(const std::string& sets) {
  const auto r = run_likesim("run " + kSmall + " --strategies sharded_counter -q --fail-on-slo " +
                             "--set " + kPeak + "=12000 " + sets);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.output;
  return r.exit_code;
}

TEST(PlanCommand, TheAnswerMeetsTheSlosAndOneLessDoesNot) {
  const std::string out = temp_file("plan.json");
  const auto r =
      run_likesim("plan " + kSmall + " --strategy sharded_counter --target " + kPeak +
                  "=12000 --knob shards=1..64 --knob redis.nodes=1..32 -j 2 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("answer: shards="), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("headroom: passes at "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("M/D/1 knee"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stopped early at"), std::string::npos) << "no probe stopped early";

  const nlohmann::json plan = nlohmann::json::parse(std::ifstream(out));
  fs::remove(out);
  ASSERT_EQ(plan["outcome"], "answer") << plan.dump(2);
  const int shards = plan["answer"]["strategy.sharded_counter.shards"].get<int>();
  const int nodes = plan["answer"]["backends.redis.nodes"].get<int>();
  EXPECT_EQ(plan["target"]["key"], kPeak);
  EXPECT_GT(plan["probes"].size(), 5u);
  EXPECT_GT(plan["headroom"]["load"].get<double>(), 12000);
  EXPECT_FALSE(plan["headroom"]["first_failing_slo"].get<std::string>().empty());
  EXPECT_TRUE(plan["analytic_knee"]["available"].get<bool>());

  const auto sets = [](int s, int n) {
    return "--set strategy.sharded_counter.shards=" + std::to_string(s) +
           " --set backends.redis.nodes=" + std::to_string(n);
  };
  EXPECT_EQ(run_with(sets(shards, nodes)), 0) << "the answer misses an SLO";
  ASSERT_GT(shards, 1);
  ASSERT_GT(nodes, 1);
  EXPECT_EQ(run_with(sets(shards - 1, nodes)), 3) << "one shard less still meets the SLOs";
  EXPECT_EQ(run_with(sets(shards, nodes - 1)), 3) << "one node less still meets the SLOs";
}

TEST(PlanCommand, NoConfigurationInRangeExitsOne) {
  const std::string out = temp_file("none.json");
  const auto r =
      run_likesim("plan " + kSmall + " --strategy sharded_counter --target " + kPeak +
                  "=20000 --knob shards=1..2 --set backends.redis.nodes=1 -q --out " + out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("no answer: no configuration in range meets the SLOs: at shards=2"),
            std::string::npos)
      << r.output;
  const nlohmann::json plan = nlohmann::json::parse(std::ifstream(out));
  fs::remove(out);
  EXPECT_EQ(plan["outcome"], "no_answer");
  EXPECT_TRUE(plan["answer"].is_null());
}

TEST(PlanCommand, BadFlagsAreOneLineNamingTheFlag) {
  const std::string base = "plan " + kSmall + " --strategy sharded_counter ";
  const std::string target = "--target " + kPeak + "=12000 ";
  struct Case {
    std::string args, expect;
  } cases[] = {
      {target + "--knob shards=1-8", "likesim plan: --knob shards=1-8: no LO..HI"},
      {target + "--knob shards=8..1", "--knob shards=8..1: needs 0 <= LO <= HI"},
      {target + "--knob shards=1..8:x", "--knob shards=1..8:x: WEIGHT must be a number > 0"},
      {target + "--knob no_such_knob=1..8", "--knob no_such_knob=1..8: "},
      {target + "--knob shards=0..8", "--knob shards=0..8: "},
      {"--target peak=abc --knob shards=1..8", "--target peak=abc: expected KEY=VALUE"},
      {"--target workload.celebrity.peek=5 --knob shards=1..8",
       "--target workload.celebrity.peek=5: "},
      {target, "missing --knob"},
      {"--knob shards=1..8", "missing --target"},
      {target + "--knob shards=1..8 --tolerance 2", "--tolerance 2: expected a fraction"},
  };
  for (const Case& c : cases) {
    const auto r = run_likesim(base + c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
  const auto r =
      run_likesim("plan " + kSmall + " --strategy nope " + target + "--knob shards=1..8");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--strategy nope: no strategy of that name"), std::string::npos)
      << r.output;
  const auto help = run_likesim("plan --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Example:"), std::string::npos);
}

}  // namespace
}  // namespace likesim
