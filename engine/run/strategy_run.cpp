#include "engine/run/strategy_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "engine/core/random_stream.h"
#include "engine/metrics/hdr_interval_log.h"
#include "engine/metrics/slo_evaluator.h"
#include "engine/run/final_check.h"
#include "strategies/strategy_factory.h"

namespace likesim {
namespace {

// A driver that starts requests later than this behind their intended time is behind its
// schedule: its latencies then include its own delay, and the report says so.
constexpr Duration kDriverLagWarning = std::chrono::milliseconds(1);

}  // namespace

int StrategyRun::log_consumers_of(const StrategyConfig& c) {
  if (const auto* k = std::get_if<AsyncLogKnobs>(&c.knobs)) return k->consumers;
  return 1;
}

StrategyRun::StrategyRun(const Scenario& scenario, const StrategyConfig& config, World& world,
                         StrategyProgress* progress)
    : scenario_(scenario),
      config_(config),
      progress_(progress),
      world_(world),
      series_(from_millis(scenario.interval_ms)),
      warmup_(from_seconds(scenario.warmup_s)),
      end_(from_seconds(scenario.duration_s)),
      client_(scenario.workload.client, scenario.seed, world.runtime()) {
  strategy_ = make_strategy(config, world_.context(mix64(scenario.seed ^ fnv1a("strategy"))));
  workload_ = make_workload(scenario.workload, scenario.seed, end_);
  // The truth's sets, the answer check's pairs and the servers' own sets, each laid out in the
  // order the fans will come.
  const UserOrder order = workload_->user_order();
  oracle_.order_users(order);
  answers_.order_users(order);
  world_.order_users(order);
}

StrategyRun::StrategyRun(const Scenario& scenario, const StrategyConfig& config, World& world,
                         StrategyProgress* progress, std::unique_ptr<Strategy> strategy)
    : StrategyRun(scenario, config, world, progress) {
  strategy_ = std::move(strategy);
}

StrategyRun::~StrategyRun() = default;

void StrategyRun::watch_backlog(const BacklogWatchOptions& options) {
  backlog_watch_ = std::make_unique<BacklogWatch>(options, warmup_);
}

bool StrategyRun::run_until(absl::FunctionRef<bool()> done, Time limit) {
  return world_.run_until(done, limit, progress_);
}

StrategyReport StrategyRun::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  Runtime& rt = world_.runtime();
  if (progress_) progress_->phase = 1;
  world_.start_clock();
  strategy_->start();
  rt.spawn(feed());
  for (const FaultSpec& f : scenario_.faults) {
    if (f.strategy.empty() || f.strategy == config_.name) rt.spawn(inject_fault(f));
  }
  rt.spawn(sample_gauges());

  // The workload, until every request has been answered. Backends answer every request
  // (timeouts included), so the limit only guards against a strategy that never answers.
  const Time drain_limit = end_ + from_seconds(scenario_.drain_timeout_s);
  // Abandoned calls of retrying clients, and their timers, finish too: nothing is left behind.
  run_until(
      [&] {
        return (feeder_done_ && in_flight_ == 0 && client_.open_calls() == 0) || rt.first_error();
      },
      drain_limit);
  if (rt.first_error()) throw std::runtime_error(describe(rt.first_error()));
  if (in_flight_ != 0 || client_.open_calls() != 0) {
    throw std::runtime_error(
        std::to_string(std::max<std::uint64_t>(in_flight_, client_.open_calls())) +
        " requests still unanswered " + std::to_string(scenario_.drain_timeout_s) +
        " s after the workload ended");
  }
  series_.finish(rt.now());
  if (hdr_) hdr_->finish(rt.now());
  sampling_ = false;
  if (!stopped_early_.empty()) {  // above capacity: what a drain or a check adds is moot
    strategy_->stop();
    StrategyReport report = build_report();
    report.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return report;
  }

  if (progress_) progress_->phase = 2;
  rt.spawn(drain());
  drain_timed_out_ = !run_until([&] { return drained_ || rt.first_error(); }, drain_limit);
  if (rt.first_error()) throw std::runtime_error(describe(rt.first_error()));

  if (progress_) progress_->phase = 3;
  if (const Time idle = world_.backends_idle_at(); idle > rt.now()) {
    bool idle_now = false;
    rt.spawn(wake_at(idle, &idle_now));
    run_until([&] { return idle_now || rt.first_error(); }, idle + 1s);
    if (rt.first_error()) throw std::runtime_error(describe(rt.first_error()));
  }
  final_check();

  strategy_->stop();
  world_.finish(warnings_);
  const LatencySummary lag = summarize(driver_lag_);
  if (lag.p99 * 1000 > kDriverLagWarning.count()) {
    warnings_.push_back("the driver fell behind its schedule: requests started up to " +
                        std::to_string(lag.max / 1000) + " ms late (p99 " +
                        std::to_string(lag.p99 / 1000) +
                        " ms); latencies include that delay, so the backends look slower than "
                        "they are");
  }
  StrategyReport report = build_report();
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

Task<void> StrategyRun::feed() {
  Runtime& rt = world_.runtime();
  Request r;
  while (workload_->next(r)) {
    oracle_.prefetch(r.post);
    co_await rt.sleep_until(r.intended);
    if (!stopped_early_.empty()) break;  // the backlog watch ended the workload
    driver_lag_.record(rt.now() - r.intended);
    if (r.intended >= warmup_) {
      ++offered_;
      series_.record_offered(r.intended);
    }
    ++in_flight_;
    const std::size_t index = answer_log_.size();
    if (keep_answers_) {
      answer_log_.push_back(RecordedAnswer{r.id, r.post, r.user, r.op, 0, rt.now().count(), 0});
    }
    if (client_.retries(r)) {
      rt.start_now(serve_retrying(r, index));
    } else {
      rt.start_now(serve(r, index));
    }
  }
  feeder_done_ = true;
}

void StrategyRun::record(const Request& r, Time sent, bool ok, bool refused) {
  const Time now = world_.runtime().now();
  OpStats& s = ops_[static_cast<int>(r.op)];
  if (r.intended < warmup_) return;
  ++s.count;
  if (!ok) ++s.errors;
  if (refused) ++s.refused;
  s.latency.record(now - r.intended);
  s.service.record(now - sent);
  if (ok && now < end_) ++completed_;
  series_.record_op(r.op, now, now - r.intended, ok);
  if (hdr_) hdr_->record(r.op, now, now - r.intended);
}

void StrategyRun::check_read(PostId post, std::int64_t reported, Time t) {
  const Oracle::ReadCheck c = oracle_.on_count_read(post, reported, t);
  if (t < warmup_) return;
  ++reads_checked_;
  const std::int64_t abs_drift = c.drift < 0 ? -c.drift : c.drift;
  drift_abs_.record_value(abs_drift);
  drift_abs_max_ = std::max(drift_abs_max_, abs_drift);
  series_.record_drift(t, c.drift);
  if (c.staleness) {
    staleness_.record(*c.staleness);
  } else {
    ++reads_never_true_;
  }
}

void StrategyRun::record_answer(std::size_t index, std::uint8_t answer, Time sent) {
  if (!keep_answers_) return;
  RecordedAnswer& a = answer_log_[index];
  a.answer = answer;
  a.sent_ns = sent.count();
  a.answered_ns = world_.runtime().now().count();
}

// serve() picks the coroutine of the request's operation: a frame holds that operation's
// awaiters and results only (GCC keeps every branch's locals in one frame), and ~100 k of them
// are in flight under a saturated server. Each one judges the answer against the truth at the
// moment it arrives, before the oracle applies it (AnswerCheck), whether or not its client
// still waits for it.
Task<void> StrategyRun::serve(Request r, std::size_t index, RetryingClient::Attempt attempt) {
  switch (r.op) {
    case Op::like:
      return serve_like(r, index, attempt);
    case Op::unlike:
      return serve_unlike(r, index, attempt);
    case Op::count:
      return serve_count(r, index, attempt);
    case Op::status:
      return serve_status(r, index, attempt);
    case Op::batch_count:
      break;
  }
  return serve_page(r, index, attempt);
}

Task<void> StrategyRun::serve_like(Request r, std::size_t index, RetryingClient::Attempt attempt) {
  const Time sent = world_.runtime().now();
  const std::uint64_t ticket = answers_.on_send(r);
  const LikeResult res = co_await strategy_->like(r);
  if (answers_.like_wrong(r, ticket, res, oracle_)) ++ops_[static_cast<int>(r.op)].wrong;
  if (res == LikeResult::ok) {
    oracle_.on_like_ok(r.post, r.user, world_.runtime().now());
  } else if (res == LikeResult::failed) {
    oracle_.on_like_failed(r.post, r.user);
  }
  answered(r, index, attempt, sent,
           {res != LikeResult::failed, res == LikeResult::already_liked,
            static_cast<std::uint8_t>(res)});
}

Task<void> StrategyRun::serve_unlike(Request r, std::size_t index,
                                     RetryingClient::Attempt attempt) {
  const Time sent = world_.runtime().now();
  const std::uint64_t ticket = answers_.on_send(r);
  const UnlikeResult res = co_await strategy_->unlike(r);
  if (answers_.unlike_wrong(r, ticket, res, oracle_)) ++ops_[static_cast<int>(r.op)].wrong;
  if (res == UnlikeResult::ok) {
    oracle_.on_unlike_ok(r.post, r.user, world_.runtime().now());
  } else if (res == UnlikeResult::failed) {
    oracle_.on_unlike_failed(r.post, r.user);
  }
  answered(r, index, attempt, sent,
           {res != UnlikeResult::failed, res == UnlikeResult::not_liked,
            static_cast<std::uint8_t>(res)});
}

Task<void> StrategyRun::serve_count(Request r, std::size_t index, RetryingClient::Attempt attempt) {
  const Time sent = world_.runtime().now();
  answers_.on_send(r);
  const CountResult res = co_await strategy_->count(r.post);
  if (res.ok) check_read(r.post, res.count, world_.runtime().now());
  answered(r, index, attempt, sent, {res.ok, false, static_cast<std::uint8_t>(res.ok ? 0 : 2)});
}

Task<void> StrategyRun::serve_status(Request r, std::size_t index,
                                     RetryingClient::Attempt attempt) {
  const Time sent = world_.runtime().now();
  const std::uint64_t ticket = answers_.on_send(r);
  const StatusResult res = co_await strategy_->status(r.post, r.user);
  if (answers_.status_wrong(r, ticket, res, oracle_)) ++ops_[static_cast<int>(r.op)].wrong;
  const std::uint8_t answer = !res.ok ? 2 : res.liked ? 1 : 0;
  answered(r, index, attempt, sent, {res.ok, false, answer});
}

// A feed page's ~1 KB answer lives in its own frame, not in the other operations' frames.
Task<void> StrategyRun::serve_page(Request r, std::size_t index, RetryingClient::Attempt attempt) {
  const Time sent = world_.runtime().now();
  const std::uint64_t ticket = answers_.on_send(r);
  const BatchCountResult res = co_await strategy_->batch_count(r);
  if (answers_.page_wrong(r, ticket, res, oracle_)) ++ops_[static_cast<int>(r.op)].wrong;
  if (res.ok) {
    const Time now = world_.runtime().now();
    for (int i = 0; i < res.n; ++i) check_read(r.post + static_cast<PostId>(i), res.counts[i], now);
  }
  answered(r, index, attempt, sent, {res.ok, false, static_cast<std::uint8_t>(res.ok ? 0 : 2)});
}

void StrategyRun::answered(const Request& r, std::size_t index, RetryingClient::Attempt attempt,
                           Time sent, RetryingClient::Outcome out) {
  answers_.on_answer(r);
  if (attempt.call != RetryingClient::kNoCall) {
    client_.on_answer(attempt, out);
    return;
  }
  --in_flight_;
  record(r, sent, out.ok, out.refused);
  record_answer(index, out.answer, sent);
}

Task<void> StrategyRun::serve_retrying(Request r, std::size_t index) {
  Runtime& rt = world_.runtime();
  const RetryingClient::Call call = client_.open(r);
  for (int number = 1;; ++number) {
    const Time sent = rt.now();
    const Request send = client_.begin_attempt(call, r, number);
    rt.start_now(serve(send, index, RetryingClient::Attempt{call, number}));
    rt.start_now(client_.timer(call, number));
    co_await client_.wait(call);
    if (client_.answered(call)) {
      // Latency from the intended time to the first answer the client accepted.
      const RetryingClient::Outcome out = client_.outcome(call);
      --in_flight_;
      record(r, sent, out.ok, out.refused);
      record_answer(index, out.answer, sent);
      break;
    }
    const std::optional<Duration> backoff = client_.after_timeout(call, number);
    if (!backoff) {
      // Out of attempts or of budget: the client reports a failure.
      --in_flight_;
      record(r, sent, false, false);
      record_answer(index, 2, sent);
      break;
    }
    co_await rt.sleep_for(*backoff);
  }
  client_.close(call);
}

Task<void> StrategyRun::inject_fault(FaultSpec fault) {
  co_await world_.runtime().sleep_until(from_seconds(fault.at_s));
  bool applied = false;
  switch (fault.kind) {
    case FaultKind::app_server_crash:
      applied = strategy_->crash_app_server(fault.target);
      break;
    case FaultKind::consumer_crash:
      applied = strategy_->crash_consumer(fault.target);
      break;
    case FaultKind::backend_slowdown:
      slow_down(fault);
      applied = true;  // or warned about: nothing a strategy lacks
      break;
    case FaultKind::redis_node_crash: {
      const bool crashed =
          co_await world_.crash_redis_node(fault.target, from_seconds(fault.down_for_s));
      applied = crashed;
      if (!applied) {
        warnings_.push_back("fault redis_node_crash at " + std::to_string(fault.at_s) +
                            " s was not applied: the simulator does not model Redis "
                            "persistence (run with --backend real)");
      }
      break;
    }
  }
  // A fault aimed at every strategy skips those without the component; one aimed at this
  // strategy by name must apply.
  if (!applied && !fault.strategy.empty()) ++faults_not_applicable_;
}

void StrategyRun::slow_down(const FaultSpec& fault) {
  const Time from = world_.runtime().now();
  // for_s = 0: to the end of the run (drain and final check included).
  const Time until = fault.for_s > 0 ? from + from_seconds(fault.for_s) : Time(kMaxDurationNs);
  if (!world_.slow_down(fault.backend, from, until, fault.factor)) {
    warnings_.push_back("fault backend_slowdown at " + std::to_string(fault.at_s) +
                        " s was not applied: likesim slows down only simulated servers (run "
                        "without --backend real)");
  }
}

Task<void> StrategyRun::sample_gauges() {
  Runtime& rt = world_.runtime();
  const Duration interval = from_millis(scenario_.interval_ms);
  const double per_s = 1.0 / to_seconds(interval);
  for (;;) {
    co_await rt.sleep_for(interval);
    if (!sampling_) break;  // the time series is closed
    world_.sample_gauges(series_, rt.now());
    if (backlog_watch_) watch_backlog_now();
    if (client_.enabled()) {
      // Offered load including retries against the original requests, by send time.
      const RetryingClient::IntervalCounts c = client_.take_interval();
      const double amplification =
          c.originals ? static_cast<double>(c.sends) / static_cast<double>(c.originals) : 0;
      series_.set_gauge("client_sends_per_s", rt.now(), static_cast<double>(c.sends) * per_s);
      series_.set_gauge("client_originals_per_s", rt.now(),
                        static_cast<double>(c.originals) * per_s);
      series_.set_gauge("retry_amplification", rt.now(), amplification);
      peak_amplification_ = std::max(peak_amplification_, amplification);
    }
  }
}

void StrategyRun::watch_backlog_now() {
  BacklogWatch::Backlogs b{static_cast<double>(in_flight_), 0};
  // The log's lag as the world has just sampled it (no such gauge: no log, no lag).
  const std::vector<std::string>& names = series_.gauge_names();
  const auto lag = std::find(names.begin(), names.end(), "log_lag");
  if (lag != names.end()) {
    b.log_lag = series_.gauge_values(static_cast<std::size_t>(lag - names.begin())).back();
  }
  const Time now = world_.runtime().now();
  if (std::optional<std::string> why = backlog_watch_->sample(now, b, offered_, completed_)) {
    char at[32];
    std::snprintf(at, sizeof at, "%.1f", to_seconds(now));
    stopped_early_ = std::string("stopped early at ") + at + " s: " + *why;
  }
}

Task<void> StrategyRun::wake_at(Time t, bool* woke) {
  co_await world_.runtime().sleep_until(t);
  *woke = true;
}

Task<void> StrategyRun::drain() {
  co_await strategy_->drain();
  drained_ = true;
}

void StrategyRun::final_check() {
  // The backends' own state, read by the world (never through the strategy); a failed read
  // throws and fails the run rather than showing as lost likes.
  BackendState state = world_.read_state();
  std::vector<PostCheck> each;
  final_ = check_final_state(oracle_, state, StrategyStorage(config_),
                             keep_final_counts_ ? &each : nullptr);
  for (const PostCheck& c : each) final_counts_.push_back(FinalCount{c.post, c.stored, c.truth});
}

namespace {

nlohmann::ordered_json knobs_json(const StrategyKnobs& knobs) {
  using Json = nlohmann::ordered_json;
  struct Visitor {
    Json operator()(const CountQueryKnobs&) const { return Json::object(); }
    Json operator()(const SingleCounterKnobs& k) const {
      return Json{{"store", k.store == CounterStore::db ? "db" : "redis"},
                  {"dedup", dedup_name(k.dedup)},
                  {"dedup_shards", k.dedup_shards}};
    }
    Json operator()(const ShardedCounterKnobs& k) const {
      return Json{{"shards", k.shards},
                  {"pick", k.pick == ShardPick::random ? "random" : "user_hash"},
                  {"hash_tag", k.hash_tag},
                  {"cache_ttl_ms", k.cache_ttl_ms},
                  {"adaptive", k.adaptive},
                  {"hot_likes_per_s", k.hot_likes_per_s},
                  {"cool_likes_per_s", k.cool_likes_per_s},
                  {"dedup", dedup_name(k.dedup)},
                  {"dedup_shards", k.dedup_shards}};
    }
    Json operator()(const WriteBufferedKnobs& k) const {
      return Json{{"app_servers", k.app_servers},
                  {"flush_interval_ms", k.flush_interval_ms},
                  {"store", k.store == CounterStore::db ? "db" : "redis"},
                  {"dedup", dedup_name(k.dedup)},
                  {"dedup_shards", k.dedup_shards}};
    }
    Json operator()(const AsyncLogKnobs& k) const {
      return Json{{"consumers", k.consumers},
                  {"idempotent", k.idempotent},
                  {"max_batch", k.max_batch},
                  {"dedup", dedup_name(k.dedup)},
                  {"dedup_shards", k.dedup_shards}};
    }
  };
  return std::visit(Visitor{}, knobs);
}

OpFigures op_figures(const LatencyHistogram& latency, const LatencyHistogram& service,
                     std::uint64_t count, std::uint64_t errors, std::uint64_t refused,
                     std::uint64_t wrong) {
  OpFigures f;
  f.count = count;
  f.errors = errors;
  f.refused = refused;
  f.wrong_answers = wrong;
  f.latency_us = summarize(latency);
  f.service_latency_us = summarize(service);
  return f;
}

}  // namespace

StrategyReport StrategyRun::build_report() const {
  StrategyReport r;
  r.name = config_.name;
  r.kind = config_.kind;
  r.knobs = knobs_json(config_.knobs);
  for (int i = 0; i < kOpCount; ++i) {
    const OpStats& s = ops_[i];
    r.ops[static_cast<std::size_t>(i)] =
        op_figures(s.latency, s.service, s.count, s.errors, s.refused, s.wrong);
  }
  const double window_s = std::max(1e-9, to_seconds(end_ - warmup_));
  r.throughput.offered_per_s = static_cast<double>(offered_) / window_s;
  r.throughput.completed_per_s = static_cast<double>(completed_) / window_s;

  r.drift.reads = reads_checked_;
  r.drift.abs_p99 = drift_abs_.value_at_percentile(99.0);
  r.drift.abs_max = drift_abs_max_;
  r.drift.never_true_reads = reads_never_true_;
  const LatencySummary stale = summarize(staleness_);
  r.drift.staleness_p50_ms = static_cast<double>(stale.p50) / 1000.0;
  r.drift.staleness_p99_ms = static_cast<double>(stale.p99) / 1000.0;
  r.drift.staleness_max_ms = static_cast<double>(stale.max) / 1000.0;

  r.final = final_;
  r.final.dedup_violations = oracle_.dedup_violations();
  r.final.drain_completed = !drain_timed_out_;

  // Backend load over the whole run (workload, drain and check): busy time / elapsed.
  world_.backend_figures(r.backends, world_.runtime().now());

  std::vector<Strategy::Figure> figures;
  strategy_->figures(figures);
  for (const Strategy::Figure& f : figures) r.figures.emplace_back(std::string(f.name), f.value);
  r.figures.emplace_back("reads_of_values_never_true", static_cast<double>(reads_never_true_));
  if (faults_not_applicable_) {
    r.figures.emplace_back("faults_not_applicable", static_cast<double>(faults_not_applicable_));
  }
  r.client = client_.figures();
  r.client.peak_interval_amplification = peak_amplification_;
  r.timeseries = series_.figures();
  r.slo = evaluate_slos(scenario_.slos, r);
  r.events = world_.events();
  const LatencySummary lag = summarize(driver_lag_);
  r.driver_lag_p99_ms = static_cast<double>(lag.p99) / 1000.0;
  r.driver_lag_max_ms = static_cast<double>(lag.max) / 1000.0;
  r.warnings = warnings_;
  r.answers = answer_log_;
  r.final_counts = final_counts_;
  return r;
}

}  // namespace likesim
