// run_simulated starts the slowest kinds first when strategies outnumber threads; the report
// keeps the scenario's order and does not change with it.
#include "engine/run/simulated_run.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

TEST(StartOrder, SlowestKindsFirstTiesInTheScenarioOrder) {
  auto s = load_scenario(source_dir() + "/scenarios/celebrity.toml", {});
  ASSERT_TRUE(s.ok()) << s.status();
  std::vector<std::string> started;
  for (std::size_t i : start_order(s->strategies)) started.push_back(s->strategies[i].name);
  EXPECT_EQ(started,
            (std::vector<std::string>{"sharded_counter", "async_log", "write_buffered",
                                      "count_query", "single_counter", "single_counter_redis"}));
}

TEST(StartOrder, TheReportKeepsTheScenarioOrder) {
  auto s = load_scenario(source_dir() + "/scenarios/smoke.toml", {});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_GT(s->strategies.size(), 2u);
  const RunReport report = run_simulated(*s, {.jobs = 1}, nullptr);
  ASSERT_EQ(report.strategies.size(), s->strategies.size());
  for (std::size_t i = 0; i < s->strategies.size(); ++i) {
    EXPECT_EQ(report.strategies[i].name, s->strategies[i].name);
  }
}

}  // namespace
}  // namespace likesim
