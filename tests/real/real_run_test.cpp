// The strategies on real servers, end to end: the servers are the ones scripts/backends
// starts (scripts/test and .ci/run start them), and each test empties them first.
#include "engine/run/real_run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/container/flat_hash_map.h"
#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"
#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;

Scenario load(const std::string& file, const std::vector<std::string>& overrides = {}) {
  auto s = load_scenario(source_dir() + "/scenarios/" + file, overrides);
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

// What comparing two runs' answers, request by request, found.
struct AnswerComparison {
  std::uint64_t compared = 0;
  std::uint64_t differ = 0;       // like/unlike/status answers that differ
  std::uint64_t unexplained = 0;  // of those, about a pair whose requests never overlapped
  std::int64_t count_shift = 0;   // real minus sim: accepted likes, minus accepted unlikes
};

// Compares like, unlike and status answers of one request stream in two runs, by request
// index. An answer may differ only for a pair whose like/unlike overlapped this request in
// time in either run (on a loaded machine a real like can still be in flight when its unlike
// arrives, which the simulator never sees: the unlike is refused there), and, once a pair's
// answers have differed so, for its later requests (its state in the two worlds is no longer
// the same). Any other difference is a wrong answer in one world. Count reads are not
// compared: their values depend on timing.
AnswerComparison compare_answers(const StrategyReport& sim, const StrategyReport& real) {
  AnswerComparison c;
  EXPECT_EQ(sim.answers.size(), real.answers.size());
  const std::size_t n = std::min(sim.answers.size(), real.answers.size());
  absl::flat_hash_map<std::uint64_t, std::vector<std::size_t>> by_pair;
  for (std::size_t i = 0; i < n; ++i) {
    const RecordedAnswer& a = real.answers[i];
    EXPECT_EQ(a.id, sim.answers[i].id) << i;
    EXPECT_EQ(a.op, sim.answers[i].op) << i;
    if (a.op == Op::like || a.op == Op::unlike || a.op == Op::status) {
      by_pair[pack_like(a.post, a.user)].push_back(i);
    }
  }
  auto overlaps = [](const RecordedAnswer& a, const RecordedAnswer& b) {
    return a.sent_ns <= b.answered_ns && b.sent_ns <= a.answered_ns;
  };
  auto accepted = [](const RecordedAnswer& a, Op op) { return a.op == op && a.answer == 0; };
  for (const auto& [pair, requests] : by_pair) {
    bool diverged = false;
    for (const std::size_t i : requests) {
      ++c.compared;
      const RecordedAnswer& r = real.answers[i];
      const RecordedAnswer& m = sim.answers[i];
      if (r.answer == m.answer) continue;
      ++c.differ;
      bool overlapped = false;
      for (const std::size_t j : requests) {
        const bool write = real.answers[j].op != Op::status;
        if (j != i && write && (overlaps(real.answers[j], r) || overlaps(sim.answers[j], m))) {
          overlapped = true;
        }
      }
      if (!overlapped && !diverged && r.answer != 2 && m.answer != 2) ++c.unexplained;
      diverged = true;
      c.count_shift += (accepted(r, Op::like) ? 1 : 0) - (accepted(m, Op::like) ? 1 : 0);
      c.count_shift -= (accepted(r, Op::unlike) ? 1 : 0) - (accepted(m, Op::unlike) ? 1 : 0);
    }
  }
  return c;
}

// The same scenario and seed send the same requests in both worlds; with nothing failing,
// every strategy must answer all of them, each world must end with its own truth exactly,
// and the two must give the same answers request by request (compare_answers says which
// differences timing can explain), and final totals that differ by exactly what the
// differing answers accepted.
void expect_same_final_counts(const Scenario& s) {
  const RunReport sim = run_simulated(s, RunOptions{2, true}, nullptr);
  RunReport real = run_real(
      s, nullptr, [](const std::string& line) { std::cerr << line; },
      /*keep_answers=*/true);
  EXPECT_EQ(real.failure, "");
  ASSERT_EQ(real.strategies.size(), s.strategies.size());
  for (const StrategyReport& r : real.strategies) {
    const StrategyReport& m = by_name(sim, r.name);
    SCOPED_TRACE(r.name);
    EXPECT_EQ(answered(r), answered(m));
    EXPECT_GT(r.final.posts_checked, 0u);
    EXPECT_EQ(r.final.posts_checked, m.final.posts_checked);
    const AnswerComparison c = compare_answers(m, r);
    EXPECT_GT(c.compared, 0u);
    EXPECT_EQ(c.unexplained, 0u) << c.differ << " answers differ";
    EXPECT_EQ(r.final.stored_total - m.final.stored_total, c.count_shift);  // 0: equal
    EXPECT_EQ(r.final.lost_likes, 0u);
    EXPECT_EQ(r.final.lost_unlikes, 0u);
    EXPECT_EQ(r.final.double_counts, 0u);
    EXPECT_EQ(r.final.dedup_violations, 0u);
    for (const OpFigures& op : r.ops) EXPECT_EQ(op.wrong_answers, 0u);
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

// The crash scenario with likes only (no reads, so the time series' answers and errors are
// the likes') and 4·10^9 users, so no (post, user) pair comes twice: every like answered and
// not failed was acknowledged ok (asserted: none refused, no dedup violation).
Scenario crash_scenario(const std::string& appendfsync) {
  return load("redis-crash.toml",
              {"backends.redis.appendfsync=" + appendfsync, "workload.steady.reads_per_s=0",
               "workload.steady.users=4000000000"});
}

const std::vector<double>& column(const TimeSeriesFigures& ts, const std::string& name) {
  for (const auto& [n, values] : ts.columns) {
    if (n == name) return values;
  }
  throw std::runtime_error("no time series column " + name);
}

// Likes acknowledged ok in each interval, by when the answer came (answers - errors).
std::vector<std::int64_t> ok_likes_per_interval(const StrategyReport& s) {
  const std::vector<double>& answered = column(s.timeseries, "answered_per_s");
  const std::vector<double>& errors = column(s.timeseries, "errors_per_s");
  const double interval_s = s.timeseries.interval_ms / 1000.0;
  std::vector<std::int64_t> ok(answered.size());
  for (std::size_t i = 0; i < ok.size(); ++i) {
    ok[i] = std::llround((answered[i] - errors[i]) * interval_s);
  }
  return ok;
}

// The crash is at 3 s and the node is down for 1 s; nothing can be acknowledged while it is
// down. The first interval after 3 s without a single acknowledged like lies in that window:
// every like acknowledged before it ran on the node before the kill, every one after it on the
// restarted node. (Five empty intervals in a row check that the split is inside the window.)
std::size_t first_interval_while_down(const StrategyReport& s,
                                      const std::vector<std::int64_t>& ok) {
  const std::vector<double>& t_s = s.timeseries.t_s;
  std::size_t i = 0;
  while (i < ok.size() && (t_s[i] <= 3.0 + 1e-9 || ok[i] > 0)) ++i;
  EXPECT_LT(i + 5, ok.size()) << "no interval after the crash without acknowledged likes";
  for (std::size_t j = i; j < std::min(i + 5, ok.size()); ++j) {
    EXPECT_EQ(ok[j], 0) << "likes acknowledged at " << t_s[j] << " s: the node was up";
  }
  return i;
}

TEST(RealRun, ARedisCrashWithoutPersistenceLosesExactlyTheLikesTheNodeHeld) {
  const RunReport r = real_run(crash_scenario("off"));
  const StrategyReport& s = r.strategies.at(0);
  ASSERT_EQ(s.op(Op::like).refused, 0u);
  ASSERT_EQ(s.final.dedup_violations, 0u);
  const std::vector<std::int64_t> ok = ok_likes_per_interval(s);
  const std::size_t split = first_interval_while_down(s, ok);
  std::int64_t before = 0, after = 0;
  for (std::size_t i = 0; i < ok.size(); ++i) (i < split ? before : after) += ok[i];
  // Every like is in the series exactly once.
  ASSERT_EQ(before + after,
            static_cast<std::int64_t>(s.op(Op::like).count - s.op(Op::like).errors));
  // One standalone node: every key was on it. It restarts empty, so it loses every like it
  // acknowledged before the kill and holds exactly the ones acknowledged after the restart.
  std::cerr << "acknowledged before the kill " << before << ", after the restart " << after
            << "; reported lost " << s.final.lost_likes << ", stored " << s.final.stored_total
            << "\n";
  EXPECT_GT(before, 1000);  // 3 s at 500 likes/s
  EXPECT_EQ(static_cast<std::int64_t>(s.final.lost_likes), before);
  EXPECT_EQ(s.final.stored_total, after);
  EXPECT_EQ(s.final.double_counts, 0u);
  EXPECT_GT(s.op(Op::like).errors, 0u);  // the node was down for a second
}

TEST(RealRun, ARedisCrashWithAppendfsyncAlwaysLosesNothing) {
  const RunReport r = real_run(crash_scenario("always"));
  const StrategyReport& s = r.strategies.at(0);
  ASSERT_EQ(s.op(Op::like).refused, 0u);
  ASSERT_EQ(s.final.dedup_violations, 0u);
  const std::vector<std::int64_t> ok = ok_likes_per_interval(s);
  (void)first_interval_while_down(s, ok);
  std::int64_t acknowledged = 0;
  for (std::int64_t n : ok) acknowledged += n;
  const auto failed = static_cast<std::int64_t>(s.op(Op::like).errors);
  EXPECT_EQ(s.final.lost_likes, 0u);
  EXPECT_EQ(s.final.double_counts, 0u);
  // The node came back with every acknowledged like; likes in flight at the kill may have run
  // and been fsynced without an answer, so it may hold up to the failed ones more.
  EXPECT_GE(s.final.stored_total, acknowledged);
  EXPECT_LE(s.final.stored_total, acknowledged + failed);
  EXPECT_GT(failed, 0);  // but it was down: likes failed meanwhile
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
