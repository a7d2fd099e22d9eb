#include "engine/run/strategy_run.h"

#include <gtest/gtest.h>

#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"
#include "workloads/workload.h"

namespace likesim {
namespace {

Scenario load(const std::string& file, std::vector<std::string> overrides = {}) {
  auto s = load_scenario(source_dir() + "/scenarios/" + file, overrides);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Scenario{};
}

std::uint64_t requests_in(const Scenario& s) {
  auto w = make_workload(s.workload, s.seed, from_seconds(s.duration_s));
  std::uint64_t n = 0;
  Request r;
  while (w->next(r)) ++n;
  return n;
}

// Every request the workload produced was answered and counted (GCC 12 can lose a coroutine
// continuation silently; this is the guard STYLE.md §7 asks for), and every strategy ends with
// the true count of every post when nothing fails.
TEST(StrategyRun, EveryRequestIsAnsweredAndCountsAreExact) {
  Scenario s = load("smoke.toml", {"warmup_s=0"});
  const std::uint64_t requests = requests_in(s);
  ASSERT_GT(requests, 1000u);
  RunReport report = run_simulated(s, RunOptions{2}, nullptr);
  ASSERT_EQ(report.strategies.size(), s.strategies.size());
  for (const StrategyReport& r : report.strategies) {
    std::uint64_t answered = 0;
    for (const OpFigures& op : r.ops) answered += op.count;
    EXPECT_EQ(answered, requests) << r.name;
    EXPECT_GT(r.final.posts_checked, 0u) << r.name;
    EXPECT_EQ(r.final.lost_likes, 0u) << r.name;
    EXPECT_EQ(r.final.double_counts, 0u) << r.name;
    EXPECT_EQ(r.final.dedup_violations, 0u) << r.name;
  }
}

double figure(const StrategyReport& r, const std::string& name) {
  for (const auto& [n, v] : r.figures) {
    if (n == name) return v;
  }
  ADD_FAILURE() << r.name << " has no figure " << name;
  return -1;
}

// crash.toml: an app server dies with likes in its buffer, and a consumer dies between
// applying a batch and committing its offset. Only write_buffered loses likes and only the
// non-idempotent async_log double counts; the oracle's final check finds exactly what the
// strategies themselves know they dropped (a dropped unlike leaves one like too many).
TEST(StrategyRun, CrashesCostExactlyWhatTheyShould) {
  Scenario s = load("crash.toml");
  RunReport report = run_simulated(s, RunOptions{2}, nullptr);
  bool saw_buffered = false, saw_at_least_once = false;
  for (const StrategyReport& r : report.strategies) {
    if (r.kind == "write_buffered") {
      saw_buffered = true;
      EXPECT_GT(r.final.lost_likes, 0u) << r.name;
      EXPECT_EQ(static_cast<double>(r.final.lost_likes), figure(r, "likes_lost_in_crashes"));
      EXPECT_EQ(static_cast<double>(r.final.double_counts), figure(r, "unlikes_lost_in_crashes"));
    } else if (r.kind == "async_log" && r.name == "async_log_at_least_once") {
      saw_at_least_once = true;
      EXPECT_GT(r.final.double_counts, 0u) << r.name;
      EXPECT_EQ(r.final.lost_likes, 0u) << r.name;
      EXPECT_EQ(figure(r, "consumer_crashes"), 1.0);
    } else if (r.kind == "async_log") {
      EXPECT_EQ(figure(r, "redelivered_batches_skipped"), 1.0) << r.name;
      EXPECT_EQ(r.final.lost_likes, 0u) << r.name;
      EXPECT_EQ(r.final.double_counts, 0u) << r.name;
    } else {
      EXPECT_EQ(r.final.lost_likes, 0u) << r.name;
      EXPECT_EQ(r.final.double_counts, 0u) << r.name;
    }
  }
  EXPECT_TRUE(saw_buffered);
  EXPECT_TRUE(saw_at_least_once);
}

// The simulator keeps no persistence model, so a Redis crash is not applied there; the
// report says so instead of pretending nothing was lost.
TEST(StrategyRun, ARedisCrashIsAWarningInSimulation) {
  RunReport report = run_simulated(load("redis-crash.toml"), RunOptions{1}, nullptr);
  const StrategyReport& r = report.strategies.at(0);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("redis_node_crash"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("--backend real"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(r.final.lost_likes, 0u);
  EXPECT_EQ(r.driver_lag_max_ms, 0.0);  // a simulated driver is never late
}

}  // namespace
}  // namespace likesim

namespace likesim {
namespace {

// A node fed faster than it serves keeps serving the commands of calls that timed out after
// the last answer. The final check waits for that backlog (as a real reader queues behind it),
// so a node's busy time never exceeds the run's elapsed time: utilisation stays <= 100 %.
TEST(StrategyRun, ABacklogOfTimedOutCommandsIsServedBeforeTheFinalCheck) {
  Scenario s = load("smoke.toml", {"backends.redis.request_us=2000", "backends.redis.timeout_ms=5",
                                   "backends.redis.nodes=1"});
  std::erase_if(s.strategies, [](const StrategyConfig& c) { return c.name != "sharded_counter"; });
  RunReport report = run_simulated(s, RunOptions{2}, nullptr);
  ASSERT_EQ(report.strategies.size(), 1u);
  const StrategyReport& r = report.strategies[0];
  EXPECT_GT(r.op(Op::like).errors, 0u);  // saturated: calls time out
  EXPECT_GT(r.backends.redis_busiest_node_utilisation, 0.9);
  EXPECT_LE(r.backends.redis_busiest_node_utilisation, 1.0 + 1e-9);
}

}  // namespace
}  // namespace likesim
