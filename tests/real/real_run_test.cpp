// The strategies on real servers, end to end: the servers are the ones scripts/backends
// starts (scripts/test and .ci/run start them), and each test empties them first.
#include "engine/run/real_run.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;

Scenario load(const std::string& file, const std::vector<std::string>& overrides = {}) {
  auto s = load_scenario(std::string(LIKESIM_SOURCE_DIR) + "/scenarios/" + file, overrides);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Scenario{};
}

RunReport real_run(const Scenario& s) {
  RunReport r = run_real(s, nullptr, [](const std::string& line) { std::cerr << line; });
  EXPECT_EQ(r.failure, "");
  return r;
}

const StrategyReport& by_name(const RunReport& r, const std::string& name) {
  for (const StrategyReport& s : r.strategies) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("no strategy " + name + " in the report");
}

std::uint64_t answered(const StrategyReport& s) {
  std::uint64_t n = 0;
  for (const OpFigures& op : s.ops) n += op.count;
  return n;
}

// The same scenario and seed send the same requests in both worlds; with nothing failing,
// every strategy must answer all of them, each world must end with its own truth exactly,
// and the same answers must leave the same final counts. (A like and its unlike are at least
// 11 ms apart in this stream, but on a loaded machine a real like can still be in flight when
// its unlike arrives: the unlike is then refused there and not in the simulator. Each such
// flip moves one refusal and one like, so the totals may differ by the refusals that differ.)
void expect_same_final_counts(const Scenario& s) {
  const RunReport sim = run_simulated(s, RunOptions{2}, nullptr);
  const RunReport real = real_run(s);
  ASSERT_EQ(real.strategies.size(), s.strategies.size());
  for (const StrategyReport& r : real.strategies) {
    const StrategyReport& m = by_name(sim, r.name);
    SCOPED_TRACE(r.name);
    EXPECT_EQ(answered(r), answered(m));
    EXPECT_GT(r.final.posts_checked, 0u);
    EXPECT_EQ(r.final.posts_checked, m.final.posts_checked);
    const std::int64_t flips = std::abs(static_cast<std::int64_t>(r.op(Op::unlike).refused) -
                                        static_cast<std::int64_t>(m.op(Op::unlike).refused)) +
                               std::abs(static_cast<std::int64_t>(r.op(Op::like).refused) -
                                        static_cast<std::int64_t>(m.op(Op::like).refused));
    EXPECT_LE(std::abs(r.final.stored_total - m.final.stored_total), flips);  // 0: equal
    EXPECT_EQ(r.final.lost_likes, 0u);
    EXPECT_EQ(r.final.double_counts, 0u);
    EXPECT_EQ(r.final.dedup_violations, 0u);
    EXPECT_TRUE(r.final.drain_completed);
    EXPECT_GT(r.backends.db_statements + r.backends.redis_nodes.at(0).commands, 0u);
  }
}

TEST(RealRun, EveryStrategyEndsWithTheSimulatorsFinalCountsOnOneRedisNode) {
  expect_same_final_counts(load("real-smoke.toml"));
}

TEST(RealRun, EveryStrategyEndsWithTheSimulatorsFinalCountsOnARedisCluster) {
  // lua_atomic needs the set and the counter in one slot: they share the post's hash tag.
  expect_same_final_counts(load(
      "real-smoke.toml",
      {"real.redis_cluster=\"127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103\"", "duration_s=3"}));
}

TEST(RealRun, ARedisCrashWithoutPersistenceLosesLikesAndTheReportCountsThem) {
  const RunReport r = real_run(load("redis-crash.toml", {"backends.redis.appendfsync=off"}));
  const StrategyReport& s = r.strategies.at(0);
  // The node restarts empty: every like acknowledged before the crash is gone, and the final
  // check finds exactly that many missing.
  EXPECT_GT(s.final.lost_likes, 500u);
  EXPECT_EQ(s.final.double_counts, 0u);
  EXPECT_GT(s.op(Op::like).errors, 0u);  // the node was down for a second
}

TEST(RealRun, ARedisCrashWithAppendfsyncAlwaysLosesNothing) {
  const RunReport r = real_run(load("redis-crash.toml", {"backends.redis.appendfsync=always"}));
  const StrategyReport& s = r.strategies.at(0);
  EXPECT_EQ(s.final.lost_likes, 0u);
  EXPECT_EQ(s.final.double_counts, 0u);
  EXPECT_GT(s.op(Op::like).errors, 0u);  // but it was down: likes failed meanwhile
}

TEST(RealRun, AConsumerCrashBeforeXackIsRedeliveredOnceOrTwice) {
  const RunReport r = real_run(load("real-consumer-crash.toml"));
  const StrategyReport& idempotent = by_name(r, "async_log");
  EXPECT_EQ(idempotent.final.lost_likes, 0u);
  EXPECT_EQ(idempotent.final.double_counts, 0u);
  const StrategyReport& at_least_once = by_name(r, "async_log_at_least_once");
  EXPECT_EQ(at_least_once.final.lost_likes, 0u);
  EXPECT_GT(at_least_once.final.double_counts, 0u);
}

TEST(RealRun, AnUnreachableServerIsOneLineNamingItsAddress) {
  auto r = run_likesim("run scenarios/real-smoke.toml --backend real --redis 127.0.0.1:1 -q");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("127.0.0.1:1"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;

  r = run_likesim(
      "run scenarios/real-smoke.toml --backend real -q --pg 'host=127.0.0.1 port=1 "
      "dbname=likesim user=likesim connect_timeout=2'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("127.0.0.1:1/likesim"), std::string::npos) << r.output;

  r = run_likesim(
      "run scenarios/real-smoke.toml --backend real -q --pg 'host=127.0.0.1 "
      "port=5433 dbname=nosuchdb user=likesim'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("nosuchdb"), std::string::npos) << r.output;
}

TEST(RealRun, BadAddressesAreFlagErrors) {
  auto r = run_likesim("run scenarios/real-smoke.toml --backend real --redis nonsense");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("real.redis"), std::string::npos) << r.output;
  r = run_likesim("run scenarios/real-smoke.toml --redis 127.0.0.1:7001");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--backend real"), std::string::npos) << r.output;
}

TEST(Calibrate, WritesACostFileThatRunLoads) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "likesim_calibration_test.toml").string();
  auto r = run_likesim("calibrate --seconds 0.3 --samples 200 --out " + path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_likesim("run scenarios/smoke.toml -q --costs " + path + " --out -");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"schema\""), std::string::npos) << r.output;
}

TEST(Calibrate, ABadCostFileNamesItsLine) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "likesim_bad_costs.toml").string();
  std::ofstream(path) << "[backends.redis]\ncommand_us = \"fast\"\n";
  auto r = run_likesim("run scenarios/smoke.toml -q --costs " + path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(path + ":2"), std::string::npos) << r.output;
  std::ofstream(path) << "[workload]\nkind = \"steady\"\n";
  r = run_likesim("run scenarios/smoke.toml -q --costs " + path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cost file holds only"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace likesim
