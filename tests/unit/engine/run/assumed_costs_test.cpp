// A simulated run names the unmeasured default costs it used (RunReport::assumptions), only
// for the servers it sent work to, and not the keys a scenario or cost file set.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/backends/sim/cost_sources.h"
#include "engine/metrics/report_json.h"
#include "engine/metrics/report_table.h"
#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"

namespace likesim {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "likesim_assumed_costs_test" /
                       // one folder per test: ctest runs the tests of a file at once
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

RunReport run(const std::string& strategies, const std::vector<std::string>& sets = {}) {
  const std::string text =
      "name = \"t\"\nduration_s = 0.5\ndrain_timeout_s = 5\n[workload]\nkind = \"steady\"\n"
      "[workload.steady]\nwrites_per_s = 200\nreads_per_s = 200\nposts = 100\n" +
      strategies;
  auto s = load_scenario(write_file("s.toml", text), sets);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return run_simulated(*s, {.jobs = 1}, nullptr);
}

bool names(const RunReport& r, const std::string& key) {
  return std::any_of(r.assumptions.begin(), r.assumptions.end(),
                     [&](const AssumedCost& a) { return a.key == key; });
}

TEST(AssumedCosts, OnlyTheServersARunUsed) {
  // sharded_counter works Redis alone: no PostgreSQL or Kafka assumption is its.
  const RunReport redis_only = run("[strategy.sharded_counter]\nshards = 4\n");
  EXPECT_FALSE(names(redis_only, "backends.kafka.broker_append_us"));
  EXPECT_FALSE(names(redis_only, "backends.postgres.pool_size"));
  // async_log appends to the log and its consumers write PostgreSQL.
  const RunReport log = run("[strategy.async_log]\nconsumers = 2\n");
  EXPECT_TRUE(names(log, "backends.kafka.broker_append_us"));
  EXPECT_TRUE(names(log, "backends.postgres.pool_size"));
  for (const AssumedCost& a : log.assumptions) EXPECT_FALSE(a.source.empty()) << a.key;
}

TEST(AssumedCosts, AKeyTheScenarioSetIsNotAnAssumption) {
  const RunReport r =
      run("[strategy.async_log]\nconsumers = 2\n", {"backends.kafka.broker_append_us=42"});
  EXPECT_FALSE(names(r, "backends.kafka.broker_append_us"));
  EXPECT_TRUE(names(r, "backends.kafka.broker_record_us"));
}

TEST(AssumedCosts, TheReportShowsThem) {
  const RunReport r = run("[strategy.async_log]\nconsumers = 2\n");
  ASSERT_FALSE(r.assumptions.empty());
  const std::string json = report_json_text(r);
  EXPECT_NE(json.find("\"key\": \"backends.kafka.broker_append_us\""), std::string::npos);
  const std::string table = report_table(r);
  const auto line = table.find("assumed costs (no measurement here):");
  ASSERT_NE(line, std::string::npos) << table;
  EXPECT_NE(table.find("kafka.broker_append_us=50", line), std::string::npos) << table;
}

TEST(AssumedCosts, EveryTableKeyNamesAFieldItReads) {
  // A key whose accessor reads another field would hide a changed value: change each field the
  // table names through the loader and see the table's value follow.
  for (const sim::CostSource& s : sim::unmeasured_cost_defaults()) {
    const std::string text =
        "name = \"t\"\nduration_s = 1\n[workload]\nkind = \"steady\"\n[strategy.count_query]\n";
    const double moved = s.value(sim::CostModel{}) + 3;
    auto loaded =
        load_scenario(write_file("k.toml", text),
                      {std::string(s.key) + "=" + std::to_string(static_cast<int>(moved))});
    ASSERT_TRUE(loaded.ok()) << s.key << ": " << loaded.status().message();
    EXPECT_EQ(s.value(loaded->costs), static_cast<int>(moved)) << s.key;
  }
}

}  // namespace
}  // namespace likesim
