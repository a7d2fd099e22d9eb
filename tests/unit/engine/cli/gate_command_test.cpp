// likesim gate as CI uses it: a real report of the smoke scenario, a baseline written from it,
// then the same report, a planted regression, another configuration and bad files against it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;
namespace fs = std::filesystem;

class GateCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("likesim_gate_" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    const auto r = run_likesim("run scenarios/smoke.toml -q --out " + path("report.json"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto u = run_likesim("gate --baseline " + path("baseline.json") + " --report " +
                               path("report.json") + " --update");
    ASSERT_EQ(u.exit_code, 0) << u.output;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string path(const std::string& name) { return (*dir_ / name).string(); }

  // The report with `edit` applied to the strategy named `strategy`, written as `name`.
  static std::string edited(const std::string& name, const std::string& strategy,
                            void (*edit)(nlohmann::json&)) {
    nlohmann::json j = nlohmann::json::parse(std::ifstream(path("report.json")));
    for (nlohmann::json& s : j["strategies"]) {
      if (s["name"] == strategy) edit(s);
    }
    std::ofstream(path(name)) << j.dump();
    return path(name);
  }

  static fs::path* dir_;
};
fs::path* GateCommand::dir_ = nullptr;

TEST_F(GateCommand, TheSameReportPasses) {
  const auto r =
      run_likesim("gate --baseline " + path("baseline.json") + " --report " + path("report.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("gate: pass: 0 of"), std::string::npos) << r.output;
}

TEST_F(GateCommand, APlantedRegressionFailsWithExitOne) {
  const std::string slower = edited("slower.json", "sharded_counter", [](nlohmann::json& s) {
    s["ops"]["like"]["latency_us"]["p99"] = 3 * s["ops"]["like"]["latency_us"]["p99"].get<int>();
  });
  auto r = run_likesim("gate --baseline " + path("baseline.json") + " --report " + slower +
                       " --tolerance 10%");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("like.latency_p99_us"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("+200.0%"), std::string::npos) << r.output;

  const std::string lossy = edited("lossy.json", "write_buffered", [](nlohmann::json& s) {
    s["final"]["lost_likes"] = s["final"]["lost_likes"].get<int>() + 1;
  });
  r = run_likesim("gate --baseline " + path("baseline.json") + " --report " + lossy +
                  " --tolerance 50% --json " + path("verdict.json"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("final.lost_likes"), std::string::npos) << r.output;
  const nlohmann::json verdict = nlohmann::json::parse(std::ifstream(path("verdict.json")));
  EXPECT_EQ(verdict["verdict"], "regression");
  EXPECT_EQ(verdict["regressions"], 1);
}

TEST_F(GateCommand, AReportIsABaselineToo) {
  const auto r =
      run_likesim("gate --baseline " + path("report.json") + " --report " + path("report.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(GateCommand, AnotherConfigurationIsRefusedWithExitTwo) {
  const auto run = run_likesim("run scenarios/smoke.toml -q --seed 4 --out " + path("seed4.json"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto r =
      run_likesim("gate --baseline " + path("baseline.json") + " --report " + path("seed4.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("config_hash"), std::string::npos) << r.output;
}

TEST_F(GateCommand, BadInputIsOneLineWithExitTwo) {
  std::ofstream(path("broken.json")) << "{\"schema\": \"likesim.report/1\", \"scenario\": ";
  auto r =
      run_likesim("gate --baseline " + path("baseline.json") + " --report " + path("broken.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("broken.json: not JSON"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;

  const std::string no_p99 = edited("no_p99.json", "count_query", [](nlohmann::json& s) {
    s["ops"]["like"]["latency_us"].erase("p99");
  });
  r = run_likesim("gate --baseline " + path("baseline.json") + " --report " + no_p99);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("strategies[0].ops.like.latency_us.p99"), std::string::npos) << r.output;

  r = run_likesim("gate --baseline " + path("missing.json") + " --report " + path("report.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("missing.json: cannot read it"), std::string::npos) << r.output;

  r = run_likesim("gate --baseline " + path("baseline.json") + " --report " + path("report.json") +
                  " --tolerance 10");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("10%"), std::string::npos) << r.output;

  r = run_likesim("gate --report " + path("report.json"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("missing --baseline"), std::string::npos) << r.output;
}

TEST_F(GateCommand, HelpNamesTheExitStatuses) {
  const auto r = run_likesim("gate --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("0 pass, 1 regression, 2 bad input"), std::string::npos) << r.output;
}

// The project's own baseline (bench/baselines/smoke.json, which .ci/run gates against) matches
// this build's smoke report: a change that moves a figure fails here until the baseline is
// updated on purpose.
TEST_F(GateCommand, TheProjectsSmokeBaselineHolds) {
  const nlohmann::json report = nlohmann::json::parse(std::ifstream(path("report.json")));
  const nlohmann::json baseline = nlohmann::json::parse(
      std::ifstream(std::string(source_dir()) + "/bench/baselines/smoke.json"));
  if (report["engine"]["build_type"] != baseline["identity"]["build_type"]) {
    GTEST_SKIP() << "the baseline is of the " << baseline["identity"]["build_type"]
                 << " build; this is " << report["engine"]["build_type"]
                 << " (scripts/gate checks it in CI's release build)";
  }
  const auto r =
      run_likesim("gate --baseline bench/baselines/smoke.json --report " + path("report.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace likesim
