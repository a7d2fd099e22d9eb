// Client retries (workload.client): a call unanswered after timeout_ms is abandoned and resent
// with the same request id after a backoff, within max_attempts and the retry budget; the
// abandoned call still runs and its answer still goes to the truth. Run through StrategyRun +
// SimWorld on a hand-built slow backend (a strategy that waits before it answers) and on
// scenarios/retry-storm.toml.
#include "engine/run/retrying_client.h"

#include <gtest/gtest.h>

#include "engine/run/simulated_run.h"
#include "engine/run/strategy_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"
#include "tests/unit/engine/run/planted_bugs.h"
#include "workloads/workload.h"

namespace likesim {
namespace {

// The real Redis single counter behind a slow front: a first send waits `first` before it
// reaches the strategy, a resend `resend`.
class SlowFront final : public planted::Forwarding {
 public:
  SlowFront(std::unique_ptr<Strategy> inner, const StrategyContext& ctx, Duration first,
            Duration resend)
      : Forwarding(std::move(inner), ctx), rt_(ctx.runtime), first_(first), resend_(resend) {}
  Task<LikeResult> like(Request r) override {
    co_await rt_->sleep_for(r.retry ? resend_ : first_);
    const LikeResult v = co_await inner_->like(r);
    co_return v;
  }

 private:
  Runtime* rt_;
  Duration first_, resend_;
};

// A planted bug: a like marked as a resend skips the dedup ("the client says it is new") and
// is counted again when the first send had landed.
class CountsEveryResend final : public planted::Forwarding {
 public:
  using Forwarding::Forwarding;
  Task<LikeResult> like(Request r) override {
    const LikeResult v = co_await inner_->like(r);
    if (v != LikeResult::already_liked || !r.retry) co_return v;
    const KvReply again = co_await kv_.incr_by(KeyId::counter(r.post), +1);
    (void)again;
    co_return LikeResult::ok;
  }
};

// Likes only, a few a second, so each request's timeline stands alone.
Scenario likes_only(ClientRetryConfig client) {
  auto loaded = load_scenario(source_dir() + "/scenarios/smoke.toml", {});
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  Scenario s = loaded.ok() ? *loaded : Scenario{};
  s.duration_s = 3;
  s.warmup_s = 0;
  s.faults.clear();
  s.slos.clear();
  s.workload.kind = "steady";
  s.workload.celebrity.enabled = false;
  s.workload.steady.writes_per_s = 5;
  s.workload.steady.reads_per_s = 0;
  s.workload.steady.unlike_fraction = 0;
  s.workload.client = client;
  return s;
}

ClientRetryConfig client(int max_attempts, double budget) {
  ClientRetryConfig c;
  c.timeout_ms = 100;
  c.max_attempts = max_attempts;
  c.backoff_ms = 50;
  c.multiplier = 2;
  c.jitter = 0;  // exact backoffs
  c.budget = budget;
  return c;
}

struct Outcome {
  StrategyReport report;
  std::vector<Request> requests;  // the workload, by request index
};

template <class Front, class... Args>
Outcome run_with(const Scenario& s, Args... args) {
  const StrategyConfig config = planted::redis_counter_config();
  SimWorld world(s.costs, 1, 1);
  const StrategyContext ctx = world.context(7);
  auto strategy = std::make_unique<Front>(make_strategy(config, ctx), ctx, args...);
  StrategyRun run(s, config, world, nullptr, std::move(strategy));
  run.keep_answers();
  Outcome out{run.run(), {}};
  auto w = make_workload(s.workload, s.seed, from_seconds(s.duration_s));
  Request r;
  while (w->next(r)) out.requests.push_back(r);
  return out;
}

TEST(RetryingClient, ATimedOutCallIsResentAfterItsBackoffAndTheResendAnswers) {
  const Scenario s = likes_only(client(3, 1));
  const Outcome run = run_with<SlowFront>(s, Duration(300ms), Duration(1ms));
  const std::size_t n = run.requests.size();
  ASSERT_GT(n, 5u);
  ASSERT_EQ(run.report.answers.size(), n);
  const std::int64_t backend = run.report.answers[0].answered_ns - run.report.answers[0].sent_ns;
  for (std::size_t i = 0; i < n; ++i) {
    const RecordedAnswer& a = run.report.answers[i];
    const std::int64_t intended = run.requests[i].intended.count();
    // Sent at the intended time, abandoned at +100 ms, resent 50 ms later (no jitter)...
    EXPECT_EQ(a.sent_ns, intended + 150'000'000) << i;
    // ...and the resend's answer accepted: 1 ms in front, the same backend time each.
    EXPECT_EQ(a.answered_ns - a.sent_ns, backend) << i;
    EXPECT_EQ(a.answer, 0) << i;  // ok: the resend got there first
  }
  EXPECT_GT(backend, 1'000'000);
  EXPECT_LT(backend, 1'100'000);
  const ClientRetryFigures& c = run.report.client;
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.originals, n);
  EXPECT_EQ(c.sends, 2 * n);
  EXPECT_EQ(c.timeouts, n);
  EXPECT_EQ(c.retries, n);
  EXPECT_EQ(c.late_answers, n);  // every first send answered (already_liked) after 300 ms
  EXPECT_DOUBLE_EQ(c.amplification, 2.0);
  // Latency is from the intended time to the accepted answer.
  EXPECT_GE(run.report.op(Op::like).latency_us.p50, 150'000 + backend / 1000 - 1);
  // The abandoned sends ran too, and the counts are exact (dedup by user answered them).
  EXPECT_EQ(run.report.final.lost_likes, 0u);
  EXPECT_EQ(run.report.final.double_counts, 0u);
  EXPECT_EQ(run.report.final.dedup_violations, 0u);
  EXPECT_EQ(run.report.final.stored_total, static_cast<std::int64_t>(n));
}

TEST(RetryingClient, GivesUpAfterMaxAttempts) {
  const Scenario s = likes_only(client(3, 10));
  const Outcome run = run_with<SlowFront>(s, Duration(300ms), Duration(300ms));
  const std::size_t n = run.requests.size();
  for (std::size_t i = 0; i < n; ++i) {
    const RecordedAnswer& a = run.report.answers[i];
    const std::int64_t intended = run.requests[i].intended.count();
    EXPECT_EQ(a.answer, 2) << i;  // failed
    // Three sends: at 0, 150 ms (100 + 50) and 350 ms (250 + 100); given up at 450 ms.
    EXPECT_EQ(a.sent_ns, intended + 350'000'000) << i;
    EXPECT_EQ(a.answered_ns, intended + 450'000'000) << i;
  }
  const ClientRetryFigures& c = run.report.client;
  EXPECT_EQ(c.sends, 3 * n);
  EXPECT_EQ(c.timeouts, 3 * n);
  EXPECT_EQ(c.retries, 2 * n);
  EXPECT_EQ(c.failed_attempts, n);
  EXPECT_EQ(c.budget_refused, 0u);
  EXPECT_EQ(c.late_answers, 3 * n);  // every send still ran and answered, after its client left
  EXPECT_EQ(run.report.op(Op::like).errors, n);
  EXPECT_EQ(run.report.final.lost_likes, 0u);
  EXPECT_EQ(run.report.final.stored_total, static_cast<std::int64_t>(n));
}

TEST(RetryingClient, TheBudgetRefusesRetries) {
  {
    const Outcome run =
        run_with<SlowFront>(likes_only(client(3, 0)), Duration(300ms), Duration(1ms));
    const std::size_t n = run.requests.size();
    const ClientRetryFigures& c = run.report.client;
    EXPECT_EQ(c.retries, 0u);
    EXPECT_EQ(c.budget_refused, n);
    EXPECT_EQ(c.sends, n);
    EXPECT_EQ(run.report.op(Op::like).errors, n);
  }
  {
    // Half a token per request: at most every other timed-out request is resent.
    const Outcome run =
        run_with<SlowFront>(likes_only(client(3, 0.5)), Duration(300ms), Duration(1ms));
    const std::size_t n = run.requests.size();
    const ClientRetryFigures& c = run.report.client;
    EXPECT_EQ(c.retries + c.budget_refused, n);
    EXPECT_LE(c.retries, n / 2);
    EXPECT_GE(c.retries + 1, n / 2);
  }
}

TEST(RetryingClient, JitterIsKeyedByRequestId) {
  ClientRetryConfig c = client(3, 1);
  c.jitter = 1;
  Scheduler sched;
  SimRuntime rt(sched);
  RetryingClient a(c, 5, rt), b(c, 5, rt);
  // Backoffs: 50 ms x 2^(retry-1), capped, times a uniform in (0, 1] with full jitter.
  EXPECT_EQ(a.backoff(1, 0.0), Duration(50ms));
  EXPECT_EQ(a.backoff(2, 0.5), Duration(50ms));
  EXPECT_EQ(a.backoff(20, 0.0), from_millis(2000));  // max_backoff_ms
  Request r;
  r.id = 42;
  const RetryingClient::Call ca = a.open(r), cb = b.open(r);
  (void)a.begin_attempt(ca, r, 1);
  (void)b.begin_attempt(cb, r, 1);
  EXPECT_EQ(a.after_timeout(ca, 1), b.after_timeout(cb, 1));  // same id, same seed: same draw
}

// The storm: Redis 20x slower for 5 s under client timeouts. Resends more than double the
// load while the node is slow, the counts stay exact where dedup answers a resend
// already_liked, and a strategy that counts resends as new likes double counts.
Scenario storm() {
  auto loaded = load_scenario(source_dir() + "/scenarios/retry-storm.toml", {});
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  Scenario s = loaded.ok() ? *loaded : Scenario{};
  s.duration_s = 10;
  s.warmup_s = 0;
  EXPECT_EQ(s.faults.size(), 1u);
  if (!s.faults.empty()) {
    s.faults[0].at_s = 3;
    s.faults[0].for_s = 5;
  }
  return s;
}

// sends / originals over the intervals that end inside (at_s, at_s + for_s].
double amplification_during(const StrategyReport& r, double from_s, double to_s) {
  const TimeSeriesFigures& ts = r.timeseries;
  const std::vector<double>* sends = nullptr;
  const std::vector<double>* originals = nullptr;
  for (const auto& [name, column] : ts.columns) {
    if (name == "client_sends_per_s") sends = &column;
    if (name == "client_originals_per_s") originals = &column;
  }
  if (!sends || !originals) {
    ADD_FAILURE() << "no client columns in the time series";
    return 0;
  }
  double s = 0, o = 0;
  for (std::size_t i = 0; i < ts.t_s.size(); ++i) {
    if (ts.t_s[i] > from_s && ts.t_s[i] <= to_s) {
      s += (*sends)[i];
      o += (*originals)[i];
    }
  }
  return o > 0 ? s / o : 0;
}

TEST(RetryStorm, AmplifiesMoreThanTwiceAndDedupKeepsCountsExact) {
  const Scenario s = storm();
  for (const StrategyConfig& config : s.strategies) {
    if (config.kind == "async_log") continue;  // the slowest here; the CLI run covers it
    SimWorld world(s.costs, s.seed, StrategyRun::log_consumers_of(config));
    StrategyRun run(s, config, world, nullptr);
    const StrategyReport r = run.run();
    EXPECT_GT(amplification_during(r, 3, 8), 2.0) << r.name;
    EXPECT_GT(r.client.retries, 0u) << r.name;
    EXPECT_GT(r.client.budget_refused + r.client.failed_attempts, 0u) << r.name;
    EXPECT_EQ(r.final.lost_likes, 0u) << r.name;
    EXPECT_EQ(r.final.double_counts, 0u) << r.name;
    EXPECT_EQ(r.final.dedup_violations, 0u) << r.name;
    for (const OpFigures& o : r.ops) EXPECT_EQ(o.wrong_answers, 0u) << r.name;
  }
}

TEST(RetryStorm, AStrategyThatCountsResendsDoubleCounts) {
  Scenario s = storm();
  const StrategyConfig config = planted::redis_counter_config();
  for (const bool planted_bug : {false, true}) {
    SimWorld world(s.costs, s.seed, 1);
    const StrategyContext ctx = world.context(7);
    std::unique_ptr<Strategy> strategy;
    if (planted_bug) {
      strategy = std::make_unique<CountsEveryResend>(make_strategy(config, ctx), ctx);
    } else {
      strategy = std::make_unique<planted::Forwarding>(make_strategy(config, ctx), ctx);
    }
    StrategyRun run(s, config, world, nullptr, std::move(strategy));
    const StrategyReport r = run.run();
    ASSERT_GT(r.client.retries, 0u);
    if (planted_bug) {
      EXPECT_GT(r.final.double_counts, 0u);
      EXPECT_GT(r.final.dedup_violations, 0u);
    } else {
      EXPECT_EQ(r.final.double_counts, 0u);
      EXPECT_EQ(r.final.dedup_violations, 0u);
    }
    EXPECT_EQ(r.final.lost_likes, 0u);
  }
}

}  // namespace
}  // namespace likesim
