#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(RunCommand, HelpExplainsEveryFlag) {
  auto r = run_likesim("run --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag :
       {"--out", "--seed", "--strategies", "--set", "--jobs", "--quiet", "--fail-on-slo",
        "--backend", "--costs", "--redis", "--redis-cluster", "--pg"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
  r = run_likesim("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("calibrate"), std::string::npos) << r.output;
  r = run_likesim("calibrate --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--out", "--redis", "--pg", "--seconds", "--samples"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
}

TEST(RunCommand, RealBackendFlagsAreChecked) {
  auto r = run_likesim("run scenarios/smoke.toml --backend cloud");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--backend must be sim or real"), std::string::npos) << r.output;
  r = run_likesim("run scenarios/smoke.toml --costs /nonexistent/costs.toml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cannot open cost file '/nonexistent/costs.toml'"), std::string::npos)
      << r.output;
  r = run_likesim("calibrate --redis nohost");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--redis"), std::string::npos) << r.output;
  r = run_likesim("calibrate --seconds 0");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

// likesim executes itself again with glibc's huge pages on (engine/core/huge_pages.h), with
// the same arguments: --version says so, LIKESIM_HUGE_PAGES=0 keeps them off, and a report
// is the same either way.
TEST(RunCommand, RunsWithHugePagesAndTheSameReport) {
  auto r = run_likesim("--version", "env -u GLIBC_TUNABLES");
  EXPECT_NE(r.output.find("malloc huge pages on"), std::string::npos) << r.output;
  r = run_likesim("--version", "env -u GLIBC_TUNABLES LIKESIM_HUGE_PAGES=0");
  EXPECT_NE(r.output.find("malloc huge pages off"), std::string::npos) << r.output;
  const auto report = [](const std::string& env) {
    const auto out = std::filesystem::temp_directory_path() / "likesim_huge_pages.json";
    std::filesystem::remove(out);
    const auto run = run_likesim("run scenarios/smoke.toml -q --out " + out.string(), env);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Wall-clock figures differ between any two runs: drop their lines.
    std::string kept, line;
    std::istringstream lines(text);
    while (std::getline(lines, line)) {
      if (line.find("wall_seconds") == std::string::npos &&
          line.find("events_per_second") == std::string::npos) {
        kept += line + "\n";
      }
    }
    return kept;
  };
  const std::string with = report("env -u GLIBC_TUNABLES");
  EXPECT_GT(with.size(), 1000u);
  EXPECT_EQ(with, report("env -u GLIBC_TUNABLES LIKESIM_HUGE_PAGES=0"));
}

TEST(RunCommand, UnknownCommandAndMissingScenarioExitTwo) {
  auto r = run_likesim("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown command 'frobnicate'"), std::string::npos) << r.output;
  EXPECT_EQ(run_likesim("run").exit_code, 2);
  r = run_likesim("run scenarios/smoke.toml --jobs=-1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run_likesim("run scenarios/smoke.toml --bogus");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(RunCommand, MissingFileIsNamed) {
  auto r = run_likesim("run /nonexistent/x.toml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("/nonexistent/x.toml"), std::string::npos) << r.output;
}

TEST(RunCommand, BadScenarioNamesFileLineAndKey) {
  const std::string path = write_temp("likesim_bad_scenario.toml",
                                      "name = \"bad\"\nseed = 1\nduration_s = 5\n"
                                      "[strategy.count_query]\nshardz = 3\n");
  auto r = run_likesim("run " + path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(path + ":5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("shardz"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(RunCommand, UnwritableReportIsRefusedBeforeTheRun) {
  auto r = run_likesim("run scenarios/smoke.toml -q --out /nonexistent/dir/report.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("/nonexistent/dir"), std::string::npos) << r.output;
}

TEST(RunCommand, UnknownStrategyInFilterIsAnError) {
  auto r = run_likesim("run scenarios/smoke.toml --strategies count_query,nope -q");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("'nope'"), std::string::npos) << r.output;
  // Every strategy of the file is listed, the ones asked for too.
  EXPECT_NE(r.output.find("(it has: count_query, single_counter, sharded_counter, write_buffered, "
                          "async_log)"),
            std::string::npos)
      << r.output;
}

TEST(RunCommand, PrintsARowPerStrategyAndWritesTheReport) {
  const auto out = std::filesystem::temp_directory_path() / "likesim_cli_report.json";
  std::filesystem::remove(out);
  auto r = run_likesim("run scenarios/smoke.toml --strategies count_query,sharded_counter --out " +
                       out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("count_query"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sharded_counter"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("write_buffered"), std::string::npos) << r.output;
  ASSERT_TRUE(std::filesystem::exists(out));
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"schema\": \"likesim.report/1\""), std::string::npos);
}

TEST(RunCommand, SetOverridesAScenarioValue) {
  auto r = run_likesim(
      "run scenarios/smoke.toml --strategies sharded_counter --set "
      "strategy.sharded_counter.shards=0");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("shards"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace likesim
