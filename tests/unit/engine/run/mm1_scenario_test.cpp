// scenarios/mm1.toml through the whole stack (workload, strategy, simulated node, oracle,
// report) must be queueing theory's M/M/1: lambda = 80,000/s, mu = 100,000/s, so the mean time
// in system is W = 1 / (mu - lambda) = 50 us and the sojourn time is exponential, p50 = W ln 2.
// It is also bench/mm1_bench's model: this keeps the benchmark honest about what it runs.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

TEST(Mm1Scenario, TheWholeStackMatchesMM1) {
  auto s = load_scenario(source_dir() + "/scenarios/mm1.toml", {"duration_s=30"});
  ASSERT_TRUE(s.ok()) << s.status();
  const RunReport r = run_simulated(*s, RunOptions{1}, nullptr);
  ASSERT_EQ(r.strategies.size(), 1u);
  const OpFigures& like = r.strategies[0].ops[static_cast<int>(Op::like)];
  ASSERT_GT(like.count, 2'000'000u);
  EXPECT_EQ(like.errors, 0u);
  // ~2.3 M customers at rho = 0.8: the sample mean's relative standard error is ~0.8 %
  // (redis_node_queueing_test.cpp); 4 % is five of them.
  EXPECT_NEAR(like.latency_us.mean, 50.0, 2.0);
  EXPECT_NEAR(static_cast<double>(like.latency_us.p50), 50.0 * std::log(2.0), 2.0);
  EXPECT_EQ(r.strategies[0].final.lost_likes, 0u);
}

}  // namespace
}  // namespace likesim
