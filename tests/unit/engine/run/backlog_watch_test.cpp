// The backlog watch: alone on synthetic samples, then in a simulated run far above and well
// below one Redis node's capacity.
#include "engine/run/backlog_watch.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"

namespace likesim {
namespace {

BacklogWatchOptions watching(double request_wait_ms) {
  BacklogWatchOptions o;
  o.on = true;
  o.request_wait_ms = request_wait_ms;
  return o;
}

// Samples every 100 ms from 0 to `until_s`: offered 10k/s, answered `answered_per_s`, and a
// backlog `backlog(t)`; returns the first reason given and when.
template <class F>
std::optional<std::string> feed(BacklogWatch& w, double until_s, double answered_per_s, F backlog,
                                double* at = nullptr) {
  for (int i = 1; i * 0.1 <= until_s + 1e-9; ++i) {
    const double t = i * 0.1;
    if (auto why = w.sample(from_seconds(t), {backlog(t), 0}, static_cast<std::uint64_t>(1e4 * t),
                            static_cast<std::uint64_t>(answered_per_s * t))) {
      if (at) *at = t;
      return why;
    }
  }
  return std::nullopt;
}

TEST(BacklogWatch, AQueueGrowingPastTheLimitStopsTheRun) {
  BacklogWatch w(watching(200), 1s);
  double at = 0;
  // Arrivals 10k/s, service 8k/s: +2000 requests a second from t = 1 s.
  const auto why = feed(
      w, 10, 8000, [](double t) { return t < 1 ? 0 : 2000 * (t - 1); }, &at);
  ASSERT_TRUE(why.has_value());
  // A queue of 200 ms at 8k answers/s is 1600 requests: reached at 1.8 s, and the window
  // (1 s after the warm-up) is full at 2 s.
  EXPECT_NEAR(at, 2.0, 1e-9);
  EXPECT_NE(why->find("requests in flight grew from 0 to 2000"), std::string::npos) << *why;
  EXPECT_NE(why->find("between 1.0 and 2.0 s"), std::string::npos) << *why;
  EXPECT_NE(why->find("above capacity"), std::string::npos) << *why;
  // Once only.
  EXPECT_FALSE(w.sample(from_seconds(10.1), {1e9, 0}, 1, 1).has_value());
}

TEST(BacklogWatch, AFluctuatingQueueDoesNot) {
  BacklogWatch w(watching(200), 0s);
  // Large (5 s of queue) but not growing in every sub-window.
  EXPECT_FALSE(feed(w, 20, 1000, [](double t) {
                 return 5000 + 400 * ((static_cast<int>(t * 10) % 4) < 2 ? 1 : -1) + 10 * t;
               }).has_value());
}

TEST(BacklogWatch, SlowGrowthOrAShortQueueDoesNot) {
  BacklogWatch slow(watching(200), 0s);
  // +50 a second against 10k offered: under 1 % of the arrivals.
  EXPECT_FALSE(feed(slow, 20, 9950, [](double t) { return 5000 + 50 * t; }).has_value());
  BacklogWatch shallow(watching(200), 0s);
  // Growing fast, but the queue stays under 200 ms of answers (10k/s x 0.2 s = 2000).
  EXPECT_FALSE(feed(shallow, 1.5, 10000, [](double t) { return 1000 * t; }).has_value());
  BacklogWatch unwatched(watching(0), 0s);  // no latency SLO: nothing to break
  EXPECT_FALSE(feed(unwatched, 20, 1000, [](double t) { return 1e5 * t; }).has_value());
  BacklogWatchOptions o = watching(200);
  o.on = false;
  BacklogWatch disabled(o, 0s);
  EXPECT_FALSE(feed(disabled, 20, 1000, [](double t) { return 1e5 * t; }).has_value());
}

TEST(BacklogWatch, TheLogsLagIsWatchedAgainstStaleness) {
  BacklogWatchOptions o = watching(0);
  o.lag_wait_ms = 5000;
  BacklogWatch w(o, 0s);
  std::optional<std::string> why;
  for (int i = 1; i <= 200 && !why; ++i) {
    const double t = i * 0.1;
    why = w.sample(from_seconds(t), {10, 3000 * t}, static_cast<std::uint64_t>(1e4 * t),
                   static_cast<std::uint64_t>(1e4 * t));
  }
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("the log's consumer lag grew"), std::string::npos) << *why;
}

// One Redis node and one script per like: ~73k likes/s at most (request 11.2 + script 2.5 us).
Scenario overload(double peak) {
  const std::string text = R"(
name = "overload"
seed = 5
duration_s = 8
warmup_s = 1
drain_timeout_s = 30
[workload]
kind = "celebrity"
[workload.steady]
writes_per_s = 100
reads_per_s = 100
posts = 100
users = 10000000
[workload.celebrity]
start_s = 1
ramp_s = 0.5
hold_s = 6
decay_s = 0.2
peak_likes_per_s = )" + std::to_string(peak) +
                           R"(
reads_per_like = 0
[backends.redis]
nodes = 1
[strategy.single_counter_redis]
kind = "single_counter"
store = "redis"
dedup = "lua_atomic"
[slo]
like_p99_ms = 200
)";
  absl::StatusOr<Scenario> s = load_scenario_text(text, "overload.toml");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return *s;
}

RunOptions watched(const Scenario& s) {
  RunOptions o;
  o.jobs = 1;
  o.backlog_watch = watching(s.slos.at(0).limit);
  return o;
}

TEST(BacklogWatchRun, FarAboveCapacityStopsEarlyAndFails) {
  const Scenario s = overload(150000);
  const RunReport r = run_simulated(s, watched(s), nullptr);
  EXPECT_NE(r.failure.find("strategy 'single_counter_redis': stopped early at "), std::string::npos)
      << r.failure;
  EXPECT_NE(r.failure.find("requests in flight grew"), std::string::npos) << r.failure;
  EXPECT_LT(r.engine.simulated_seconds, s.duration_s / 2) << r.failure;
}

TEST(BacklogWatchRun, BelowCapacityRunsToTheEnd) {
  const Scenario s = overload(40000);
  const RunReport r = run_simulated(s, watched(s), nullptr);
  EXPECT_EQ(r.failure, "");
  EXPECT_GE(r.engine.simulated_seconds, s.duration_s);
  EXPECT_TRUE(r.strategies.at(0).slo_pass());
}

TEST(BacklogWatchRun, OffByDefault) {
  Scenario s = overload(100000);
  s.duration_s = 4;  // the overloaded run to its end, kept short
  s.workload.celebrity.hold_s = 2;
  RunOptions o;
  o.jobs = 1;
  o.backlog_watch.request_wait_ms = 200;  // thresholds alone do not turn it on
  const RunReport r = run_simulated(s, o, nullptr);
  EXPECT_EQ(r.failure, "");
  EXPECT_GE(r.engine.simulated_seconds, s.duration_s);
  EXPECT_FALSE(r.strategies.at(0).slo_pass());
}

}  // namespace
}  // namespace likesim
