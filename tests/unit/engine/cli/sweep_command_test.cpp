// likesim sweep as a user runs it: rows against single `likesim run`s of the same points,
// an interrupted sweep resumed, slices through GNU parallel merged, and bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "engine/plan/sweep_table.h"
#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;
namespace fs = std::filesystem;

// Four points of the smoke scenario, two strategies: eight runs of ~0.1 s.
constexpr const char* kSweep =
    "sweep scenarios/smoke.toml --strategies sharded_counter,async_log"
    " --vary strategy.sharded_counter.shards=1,4 --vary backends.redis.nodes=1..3+2";

class SweepCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("likesim_sweep_" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    const auto r = run_likesim(std::string(kSweep) + " -q --out " + path("whole.csv"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string path(const std::string& name) { return (*dir_ / name).string(); }
  static std::string text(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static fs::path* dir_;
};
fs::path* SweepCommand::dir_ = nullptr;

TEST_F(SweepCommand, EveryRowIsWhatASingleRunOfThatPointReports) {
  const SweepTable t = read_table(path("whole.csv")).value();
  ASSERT_EQ(t.rows.size(), 8u);
  const auto col = [&](const SweepCells& row, const char* name) { return row.at(t.column(name)); };
  for (const SweepCells& row : t.rows) {
    const std::string shards = col(row, "strategy.sharded_counter.shards");
    const std::string nodes = col(row, "backends.redis.nodes");
    const std::string strategy = col(row, "strategy");
    const auto r =
        run_likesim("run scenarios/smoke.toml -q --strategies " + strategy +
                    " --set strategy.sharded_counter.shards=" + shards +
                    " --set backends.redis.nodes=" + nodes + " --out " + path("single.json"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const nlohmann::json report = nlohmann::json::parse(std::ifstream(path("single.json")));
    const nlohmann::json& s = report["strategies"][0];
    const std::string where = "run " + row[kRunColumn] + " " + strategy;
    EXPECT_EQ(col(row, "config_hash"), report["scenario"]["config_hash"]) << where;
    const auto ms = [&](const char* op, const char* p) {
      return s["ops"][op]["latency_us"][p].get<double>() / 1000.0;
    };
    EXPECT_DOUBLE_EQ(std::stod(col(row, "like_p50_ms")), ms("like", "p50")) << where;
    EXPECT_DOUBLE_EQ(std::stod(col(row, "like_p99_ms")), ms("like", "p99")) << where;
    EXPECT_DOUBLE_EQ(std::stod(col(row, "like_p999_ms")), ms("like", "p999")) << where;
    EXPECT_DOUBLE_EQ(std::stod(col(row, "count_p99_ms")), ms("count", "p99")) << where;
    EXPECT_NEAR(std::stod(col(row, "done_per_s")), s["throughput"]["completed_per_s"].get<double>(),
                1e-9)
        << where;
    EXPECT_EQ(col(row, "lost_likes"), std::to_string(s["final"]["lost_likes"].get<int>()));
    EXPECT_EQ(col(row, "double_counts"), std::to_string(s["final"]["double_counts"].get<int>()));
    bool pass = true;
    for (const auto& v : s["slo"]) pass = pass && v["pass"].get<bool>();
    EXPECT_EQ(col(row, "slo"), pass ? "PASS" : "FAIL") << where;
    EXPECT_EQ(col(row, "error"), "") << where;
  }
  // The knobs moved something: one shard on one node is not four over three.
  EXPECT_NE(col(t.rows[0], "like_p99_ms"), col(t.rows[6], "like_p99_ms"));
}

TEST_F(SweepCommand, JsonHoldsTheSameRows) {
  const auto r = run_likesim(std::string(kSweep) + " -q -j1 --out " + path("whole.json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_table(path("whole.json")).value().rows,
            read_table(path("whole.csv")).value().rows);
}

TEST_F(SweepCommand, AnInterruptedSweepResumesWithOnlyItsMissingRuns) {
  // What a sweep killed after three rows leaves: the header and three rows.
  std::istringstream whole(text(path("whole.csv")));
  std::string line, cut;
  for (int i = 0; i < 4 && std::getline(whole, line); ++i) cut += line + "\n";
  std::ofstream(path("cut.csv"), std::ios::binary) << cut;

  const auto refused = run_likesim(std::string(kSweep) + " -q --out " + path("cut.csv"));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("exists: --resume"), std::string::npos) << refused.output;

  const auto r = run_likesim(std::string(kSweep) + " --resume --out " + path("cut.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("8 runs (5 to do)"), std::string::npos) << r.output;
  EXPECT_EQ(text(path("cut.csv")), text(path("whole.csv")));

  // Rows of another sweep are not resumed into this one.
  const auto other =
      run_likesim(std::string(kSweep) + " --set duration_s=4 -q --resume --out " + path("cut.csv"));
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("is not a run of this sweep"), std::string::npos) << other.output;
}

// A shell command run in the checkout; its exit status.
int shell(const std::string& command) {
  return std::system(("cd '" + source_dir() + "' && " + command).c_str());
}

TEST_F(SweepCommand, ThreeSlicesThroughGnuParallelMergeIntoTheSameTable) {
  // GNU parallel (Debian package `parallel`, installed by scripts/setup) runs the slices two
  // at a time, as the README shows; a missing `parallel` fails the test, as it should.
  const std::string bin = "'" + likesim_binary() + "' ";
  ASSERT_EQ(shell("parallel --will-cite -j2 " + bin + kSweep + " -q --shard {}/3 --out '" +
                  path("s{}.csv") + "' ::: 1 2 3"),
            0);
  const auto merged = run_likesim("sweep merge " + path("s3.csv") + " " + path("s1.csv") + " " +
                                  path("s2.csv") + " --out " + path("merged.csv"));
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_EQ(text(path("merged.csv")), text(path("whole.csv")));

  // A slice left out: the merge names the run it lacks.
  const auto two = run_likesim("sweep merge " + path("s1.csv") + " " + path("s3.csv") + " --out " +
                               path("m2.csv"));
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.output.find("run 1 (async_log) of 4 is in no slice"), std::string::npos)
      << two.output;
}

TEST_F(SweepCommand, EmittedJobsRunThroughGnuParallel) {
  const std::string bin = "'" + likesim_binary() + "' ";
  ASSERT_EQ(shell(bin + kSweep + " --out '" + path("e.csv") + "' --emit-jobs 2>/dev/null > '" +
                  path("jobs.txt") + "'"),
            0);
  const std::string jobs = text(path("jobs.txt"));
  EXPECT_EQ(std::count(jobs.begin(), jobs.end(), '\n'), 4) << "one command per run:\n" << jobs;
  ASSERT_EQ(shell("parallel --will-cite -j2 < '" + path("jobs.txt") + "'"), 0);
  const auto merged =
      run_likesim("sweep merge " + path("e.csv") + ".*-of-4.csv --out " + path("e.csv"));
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_EQ(text(path("e.csv")), text(path("whole.csv")));
}

TEST_F(SweepCommand, BadInputIsOneLineAndExitTwo) {
  const std::pair<std::string, std::string> cases[] = {
      {"sweep scenarios/smoke.toml --out x.csv", "no --vary"},
      {"sweep scenarios/smoke.toml --vary shards", "expected KEY=VALUES"},
      {"sweep scenarios/smoke.toml --vary strategy.sharded_counter.shards=0,1",
       "strategy.sharded_counter.shards"},
      {"sweep scenarios/smoke.toml --vary strategy.nope.shards=1", "nope"},
      {"sweep scenarios/smoke.toml --vary seed=1,2 --strategies nope", "no strategy named 'nope'"},
      {"sweep scenarios/smoke.toml --vary seed=1,2 --shard 3/2 --out x.csv", "--shard '3/2'"},
      {"sweep scenarios/smoke.toml --vary seed=1,2 --out x.txt", "must end in .csv or .json"},
      {"sweep scenarios/smoke.toml --vary seed=1,2 --resume", "need --out"},
      {"sweep merge --out x.csv", "needs the slices"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run_likesim(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << "\n" << r.output;
  }
}

}  // namespace
}  // namespace likesim
