// Cost files and scenarios carrying measured distributions (rtt_us_quantiles,
// service_quantiles, distribution = "empirical") and lock_handoff_async_us; bad tables end in
// one line naming FILE:LINE and the key, and `likesim run` exits 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/scenario/scenario_loader.h"
#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "likesim_cost_distribution_test" /
                       // one folder per test: ctest runs the tests of a file at once
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

constexpr const char* kScenario =
    "name = \"t\"\n"
    "duration_s = 1\n"
    "[workload]\n"
    "kind = \"steady\"\n"
    "[strategy.count_query]\n";

constexpr const char* kTable = "[18, 20, 22, 25, 29, 35, 41, 75, 160, 400]";

TEST(CostFileDistribution, ACostFileCarriesQuantilesAndEmpirical) {
  const std::string costs = write_file(
      "good.toml", std::string("[backends.redis]\nrtt_us_quantiles = ") + kTable +
                       "\ndistribution = \"empirical\"\n[backends.postgres]\nservice_quantiles = " +
                       kTable + "\nrtt_us_quantiles = " + kTable +
                       "\ndistribution = \"empirical\"\nlock_handoff_async_us = 2.5\n");
  auto s = load_scenario(write_file("s.toml", kScenario), {}, costs);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->costs.redis.distribution, sim::ServiceDistribution::empirical);
  EXPECT_FALSE(s->costs.redis.rtt_shape.empty());
  EXPECT_TRUE(s->costs.redis.service_shape.empty());
  EXPECT_FALSE(s->costs.postgres.service_shape.empty());
  EXPECT_EQ(s->costs.postgres.lock_handoff_async_us, 2.5);
  // The shape is the table's, normalised: p50 25 over the table's mean.
  EXPECT_NEAR(
      s->costs.redis.rtt_shape.at(0.5),
      25 / sim::quantile_table_mean(std::vector<double>{18, 20, 22, 25, 29, 35, 41, 75, 160, 400}),
      1e-12);
}

TEST(CostFileDistribution, AScenarioAndSetReachTheNewKeys) {
  auto s = load_scenario(
      write_file("s2.toml", std::string(kScenario) +
                                "[backends.postgres]\nrtt_us_quantiles = " + kTable + "\n"),
      {"backends.postgres.lock_handoff_async_us=3",
       "backends.postgres.distribution=\"empirical\""});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->costs.postgres.lock_handoff_async_us, 3.0);
  EXPECT_FALSE(s->costs.postgres.rtt_shape.empty());
  // A cost file's table replaces the scenario's.
  const std::string costs = write_file(
      "replace.toml", "[backends.postgres]\nrtt_us_quantiles = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
  s = load_scenario(
      write_file("s3.toml", std::string(kScenario) +
                                "[backends.postgres]\nrtt_us_quantiles = " + kTable + "\n"),
      {}, costs);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_DOUBLE_EQ(s->costs.postgres.rtt_shape.at(0.99), 1.0);
}

struct Bad {
  const char* value;
  const char* says;
};

TEST(CostFileDistribution, BadTablesNameFileLineAndKey) {
  const std::string scenario = write_file("s4.toml", kScenario);
  const std::vector<Bad> bad = {
      {"[1, 2, 3, 4, 5, 4, 7, 8, 9, 10]", "never decrease"},
      {"[]", "expected 10 quantiles"},
      {"[1, 2, 3, 4, 5, 6, 7, 8, 9, inf]", "inf out of range"},
      {"[1, 2, 3, 4, 5, 6, 7, 8, 9, nan]", "nan out of range"},
      {"[1, 2, 3]", "got 3"},
      {"[1, 2, 3, 4, 5, 6, 7, 8, 9, \"x\"]", "expected numbers"},
      {"12", "expected an array"},
  };
  for (const Bad& b : bad) {
    const std::string costs = write_file(
        "bad.toml",
        std::string("[backends.redis]\ncommand_us = 1\nrtt_us_quantiles = ") + b.value + "\n");
    auto s = load_scenario(scenario, {}, costs);
    ASSERT_FALSE(s.ok()) << b.value;
    const std::string m(s.status().message());
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_NE(m.find(costs + ":3: backends.redis.rtt_us_quantiles: "), std::string::npos) << m;
    EXPECT_NE(m.find(b.says), std::string::npos) << m;
  }
  // Empirical with nothing to draw from would silently be deterministic: an error.
  const std::string none =
      write_file("none.toml", "[backends.postgres]\ndistribution = \"empirical\"\n");
  auto s = load_scenario(scenario, {}, none);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find(none + ":2: backends.postgres.distribution: "),
            std::string::npos)
      << s.status().message();
  const std::string negative =
      write_file("neg.toml", "[backends.postgres]\nlock_handoff_async_us = -1\n");
  s = load_scenario(scenario, {}, negative);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find("backends.postgres.lock_handoff_async_us"),
            std::string::npos);
}

TEST(CostFileDistribution, LikesimRunExitsTwoOnABadTable) {
  const std::string scenario = write_file("s5.toml", kScenario);
  const std::string costs = write_file(
      "bad_cli.toml", "[backends.redis]\nrtt_us_quantiles = [3, 2, 1, 1, 1, 1, 1, 1, 1, 1]\n");
  const auto r = testing::run_likesim("run '" + scenario + "' --costs '" + costs + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(costs + ":2: backends.redis.rtt_us_quantiles: quantiles must never "
                                  "decrease"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace likesim
