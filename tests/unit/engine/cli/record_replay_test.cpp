#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/source_paths.h"
#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;
using Json = nlohmann::json;

std::string temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("likesim_rr_" + name)).string();
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The report without what legitimately differs between two runs of one request stream: the
// wall clock (engine, wall_seconds).
Json comparable(const std::string& path) {
  Json j = Json::parse(file_text(path));
  j.erase("engine");
  // A replay is another configuration (its workload is the trace), the same figures.
  j["scenario"].erase("config_hash");
  for (Json& s : j["strategies"]) s.erase("wall_seconds");
  return j;
}

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(RecordReplay, ATraceReplaysToTheScenariosOwnReport) {
  const std::string run_json = temp("run.json");
  auto r = run_likesim("run scenarios/smoke.toml -q -j2 --out " + run_json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json expected = comparable(run_json);
  for (const char* ext : {".csv", ".bin"}) {
    const std::string trace = temp(std::string("smoke") + ext);
    r = run_likesim("record scenarios/smoke.toml --trace " + trace);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("recorded 8284 requests"), std::string::npos) << r.output;
    const std::string replay_json = temp(std::string("replay") + ext + ".json");
    r = run_likesim("replay " + trace + " --scenario scenarios/smoke.toml -q -j2 --out " +
                    replay_json);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(comparable(replay_json), expected) << ext;
    // kind = "replay" in the scenario does the same.
    const std::string kind_json = temp(std::string("kind") + ext + ".json");
    r = run_likesim(
        "run scenarios/smoke.toml -q -j2 --set workload.kind=replay "
        "--set workload.replay.trace='" +
        trace + "' --out " + kind_json);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(comparable(kind_json), expected) << ext;
  }
  // The CSV and the binary trace hold the same stream: converting one gives the other.
  const std::string converted = temp("converted.bin");
  r = run_likesim(
      "record scenarios/smoke.toml --set workload.kind=replay --set "
      "workload.replay.trace='" +
      temp("smoke.csv") + "' --trace " + converted);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(file_text(converted), file_text(temp("smoke.bin")));
}

TEST(RecordReplay, AMalformedTraceIsOneLineAndExitTwo) {
  const std::string csv = temp("bad.csv");
  std::ofstream(csv) << "time_us,op,post,user,request_id\n1,like,1,1,1\n2,like,x,1,2\n";
  auto r = run_likesim("replay " + csv + " --scenario scenarios/smoke.toml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output, "likesim: " + csv + ":3: post: expected an integer, got \"x\"\n");

  const std::string good = temp("cut.bin");
  ASSERT_EQ(run_likesim("record scenarios/smoke.toml --trace " + good).exit_code, 0);
  std::filesystem::resize_file(good, std::filesystem::file_size(good) / 2);
  r = run_likesim("replay " + good + " --scenario scenarios/smoke.toml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find(good + ": truncated at record "), std::string::npos) << r.output;

  r = run_likesim("replay /nonexistent/t.bin --scenario scenarios/smoke.toml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/t.bin: cannot open"), std::string::npos) << r.output;
  // A scenario of kind replay is checked the same way by run.
  r = run_likesim(
      "run scenarios/smoke.toml --set workload.kind=replay --set "
      "workload.replay.trace='" +
      csv + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output, "likesim: " + csv + ":3: post: expected an integer, got \"x\"\n");
}

TEST(RecordReplay, FlagsAreChecked) {
  auto r = run_likesim("replay --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag :
       {"--scenario", "--format", "--compress", "--replicate", "--jitter-s", "--out", "--set",
        "--strategies", "--jobs", "--backend", "--costs", "--final-counts"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(run_likesim("replay x.csv").exit_code, 2);
  EXPECT_EQ(run_likesim("record scenarios/smoke.toml").exit_code, 2);
  r = run_likesim("record scenarios/smoke.toml --trace out.txt");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--format must be csv or binary"), std::string::npos) << r.output;
  const std::string trace = temp("flags.csv");
  ASSERT_EQ(run_likesim("record scenarios/smoke.toml --trace " + trace).exit_code, 0);
  r = run_likesim("replay " + trace + " --compress 10 --scenario scenarios/smoke.toml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("apply to cascades only"), std::string::npos) << r.output;
  r = run_likesim("replay " + trace + " --format xml --scenario scenarios/smoke.toml");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run_likesim("run scenarios/smoke.toml --final-counts /nonexistent/dir/f.csv");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--final-counts"), std::string::npos) << r.output;
}

// The final counts add up to the report's figures. crash.toml's app-server crash loses
// write_buffered's buffered likes and its consumer crash makes the at-least-once log count a
// batch twice, so both directions are exercised (and nonzero).
TEST(RecordReplay, FinalCountsAddUpToTheReport) {
  const std::string json = temp("crash.json"), counts = temp("crash_counts.csv");
  auto r = run_likesim(
      "run scenarios/crash.toml --set duration_s=41 --strategies "
      "write_buffered,async_log_at_least_once,sharded_counter -q -j2 --out " +
      json + " --final-counts " + counts);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(counts);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "strategy,post,stored,truth");
  struct Sums {
    std::uint64_t rows = 0, lost = 0, doubled = 0, abs = 0;
    std::int64_t stored = 0;
  };
  std::map<std::string, Sums> sums;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::string name, post, stored, truth;
    std::getline(s, name, ',');
    std::getline(s, post, ',');
    std::getline(s, stored, ',');
    std::getline(s, truth, ',');
    const std::int64_t st = std::stoll(stored), tr = std::stoll(truth);
    Sums& x = sums[name];
    ++x.rows;
    x.stored += st;
    x.lost += static_cast<std::uint64_t>(std::max<std::int64_t>(0, tr - st));
    x.doubled += static_cast<std::uint64_t>(std::max<std::int64_t>(0, st - tr));
    x.abs += static_cast<std::uint64_t>(st > tr ? st - tr : tr - st);
  }
  const Json report = Json::parse(file_text(json));
  ASSERT_EQ(report["strategies"].size(), 3u);
  for (const Json& s : report["strategies"]) {
    const std::string name = s["name"];
    const Json& f = s["final"];
    const Sums& x = sums[name];
    EXPECT_EQ(x.rows, f["posts_checked"].get<std::uint64_t>()) << name;
    EXPECT_EQ(x.stored, f["stored_total"].get<std::int64_t>()) << name;
    // No write failed here, so the bounds are tight: the net error is the report's.
    EXPECT_EQ(x.abs, f["abs_error_sum"].get<std::uint64_t>()) << name;
    EXPECT_EQ(x.lost, f["lost_likes"].get<std::uint64_t>()) << name;
    EXPECT_EQ(x.doubled, f["double_counts"].get<std::uint64_t>()) << name;
  }
  EXPECT_GT(sums["write_buffered"].lost, 0u);
  EXPECT_GT(sums["async_log_at_least_once"].doubled, 0u);
  EXPECT_EQ(sums["sharded_counter"].abs, 0u);
}

TEST(RecordReplay, TheSeismicCascadeRunsEveryStrategy) {
  const std::string data = source_dir() + "/../shared/data/seismic_tweet_127001313513967616.csv";
  if (!std::filesystem::exists(data)) GTEST_SKIP() << data << " is absent";
  const std::string json = temp("seismic.json");
  // 20 s of the cascade at 1000x (its first 5.5 h), 5 copies, over smoke's light background.
  auto r = run_likesim("replay " + data +
                       " --format cascade --compress 1000 --replicate 5 --scenario "
                       "scenarios/smoke.toml --set duration_s=20 -q -j2 --out " +
                       json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json report = Json::parse(file_text(json));
  ASSERT_EQ(report["strategies"].size(), 5u);
  for (const Json& s : report["strategies"]) {
    EXPECT_EQ(s["final"]["lost_likes"], 0) << s["name"];
    // The cascade's plateau (hours 1-5: 4-18 s) is above its first seconds.
    const Json& offered = s["timeseries"]["offered_per_s"];
    double first = 0, plateau = 0;
    for (int i = 0; i < 20; ++i) first += offered[i].get<double>();
    for (int i = 60; i < 80; ++i) plateau += offered[i].get<double>();
    EXPECT_GT(plateau, first * 1.5) << s["name"];
  }
}

}  // namespace
}  // namespace likesim
