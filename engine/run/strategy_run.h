// StrategyRun: one strategy of a scenario, run in a world of its own — simulated (SimWorld,
// virtual time) or real servers (RealWorld, wall-clock time). The same code drives both.
//
// The workload is replayed open loop: every request is started at its intended send time,
// however far behind the backends are, and its latency is measured from that time (DESIGN.md
// §4). How late the driver itself started requests is measured too, and reported as a warning
// when it fell behind its schedule (a real run on a busy machine). The oracle sees every
// acknowledgement, and every answer is checked against the truth when it arrives
// (AnswerCheck); after the workload the strategy drains and the world reads its backends' own
// state, which is compared with the truth over every post any backend holds (final_check.h).
//
//   SimWorld world(scenario.costs, seed, consumers);
//   StrategyRun run(scenario, scenario.strategies[0], world, &progress);
//   StrategyReport report = run.run();     // blocks
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/metrics/latency_histogram.h"
#include "engine/metrics/oracle.h"
#include "engine/metrics/run_report.h"
#include "engine/metrics/time_series.h"
#include "engine/run/answer_check.h"
#include "engine/run/backlog_watch.h"
#include "engine/run/retrying_client.h"
#include "engine/run/run_progress.h"
#include "engine/run/world.h"
#include "engine/scenario/scenario.h"
#include "workloads/workload.h"

namespace likesim {

class HdrIntervalRecorder;

class StrategyRun {
 public:
  // `progress` may be null.
  StrategyRun(const Scenario& scenario, const StrategyConfig& config, World& world,
              StrategyProgress* progress);
  // Runs `strategy` (built from `world.context()`) in place of the one `config` describes; the
  // final check still reads the backends where `config` keeps its counts. Tests use it to wrap
  // a real strategy in one with a planted bug.
  StrategyRun(const Scenario& scenario, const StrategyConfig& config, World& world,
              StrategyProgress* progress, std::unique_ptr<Strategy> strategy);
  ~StrategyRun();

  // Runs the workload, the drain and the final check; returns the strategy's figures.
  // Throws std::runtime_error when a process failed (a bug or a server that could not be used,
  // reported in one line); `partial_report()` then has what ran until then.
  StrategyReport run();
  StrategyReport partial_report() const { return build_report(); }

  // Keep every request's answer in the report (StrategyReport::answers, by request index).
  void keep_answers() { keep_answers_ = true; }
  // Keep every checked post's stored count and truth (StrategyReport::final_counts).
  void keep_final_counts() { keep_final_counts_ = true; }
  // Also record every answer's latency per operation and interval in `recorder` (--hdr-log);
  // null, the default, records nothing more.
  void record_hdr_intervals(HdrIntervalRecorder* recorder) { hdr_ = recorder; }

  // Stop the workload early when a backlog grows steadily (backlog_watch.h): run() then
  // waits for the answers of what was sent, skips the drain and the final check, and returns
  // the figures so far, with stopped_early() saying why. Off unless called (plan's probes).
  void watch_backlog(const BacklogWatchOptions& options);
  const std::string& stopped_early() const { return stopped_early_; }

  // Engine figures of the finished run.
  std::uint64_t events() const { return world_.events(); }
  double simulated_seconds() const { return to_seconds(world_.runtime().now()); }

  // The log consumers a strategy of this configuration runs (its world's log needs to know).
  static int log_consumers_of(const StrategyConfig& config);

 private:
  struct OpStats {
    LatencyHistogram latency;  // from the intended send time
    LatencyHistogram service;  // from the actual send time
    std::uint64_t count = 0;
    std::uint64_t errors = 0;
    std::uint64_t refused = 0;  // already_liked / not_liked answers
    std::uint64_t wrong = 0;    // answers the truth contradicted (whole run, warm-up included)
  };

  Task<void> feed();
  // One call of `r` to the strategy, judged and applied to the truth when it answers. Without
  // a retrying client (attempt.call == kNoCall) the answer is the request's; otherwise it goes
  // to the client, which accepts it or has abandoned the attempt.
  Task<void> serve(Request r, std::size_t index, RetryingClient::Attempt attempt = {});
  // serve() per operation.
  Task<void> serve_like(Request r, std::size_t index, RetryingClient::Attempt attempt);
  Task<void> serve_unlike(Request r, std::size_t index, RetryingClient::Attempt attempt);
  Task<void> serve_count(Request r, std::size_t index, RetryingClient::Attempt attempt);
  Task<void> serve_status(Request r, std::size_t index, RetryingClient::Attempt attempt);
  Task<void> serve_page(Request r, std::size_t index, RetryingClient::Attempt attempt);
  // The answer `out` of the call sent at `sent`: to the client, or recorded as the request's.
  void answered(const Request& r, std::size_t index, RetryingClient::Attempt attempt, Time sent,
                RetryingClient::Outcome out);
  // A request of a retrying client: attempts, timeouts and backoffs until one answer is
  // accepted or the client gives up (retrying_client.h).
  Task<void> serve_retrying(Request r, std::size_t index);
  void record_answer(std::size_t index, std::uint8_t answer, Time sent);
  Task<void> inject_fault(FaultSpec fault);
  // Applies a backend_slowdown fault through the world, or warns that it cannot.
  void slow_down(const FaultSpec& fault);
  Task<void> sample_gauges();
  void watch_backlog_now();  // one sample for the backlog watch
  Task<void> drain();
  Task<void> wake_at(Time t, bool* woke);
  // Reads the backends' state through the world and compares it with the oracle.
  void final_check();

  void record(const Request& r, Time sent, bool ok, bool refused);
  void check_read(PostId post, std::int64_t reported, Time t);
  // Runs events until `done()` or virtual time passes `limit`; keeps progress current.
  bool run_until(absl::FunctionRef<bool()> done, Time limit);
  StrategyReport build_report() const;

  const Scenario& scenario_;
  const StrategyConfig& config_;
  StrategyProgress* progress_;
  World& world_;
  std::unique_ptr<Strategy> strategy_;
  std::unique_ptr<Workload> workload_;
  Oracle oracle_;
  TimeSeries series_;

  Time warmup_;
  Time end_;
  OpStats ops_[kOpCount];
  LatencyHistogram drift_abs_;
  LatencyHistogram staleness_;
  std::uint64_t reads_checked_ = 0;
  std::uint64_t reads_never_true_ = 0;  // reported a value the truth never had
  std::int64_t drift_abs_max_ = 0;
  std::uint64_t offered_ = 0;    // requests with intended time in the measured window
  std::uint64_t completed_ = 0;  // answered without failure in the measured window
  std::uint64_t in_flight_ = 0;
  RetryingClient client_;
  double peak_amplification_ = 0;  // the largest sends / originals of one interval
  bool feeder_done_ = false;
  bool drained_ = false;
  bool drain_timed_out_ = false;
  AnswerCheck answers_;
  bool keep_answers_ = false;
  std::vector<RecordedAnswer> answer_log_;
  FinalFigures final_;
  bool keep_final_counts_ = false;
  std::vector<FinalCount> final_counts_;
  std::uint64_t faults_not_applicable_ = 0;
  std::vector<std::string> warnings_;
  LatencyHistogram driver_lag_;         // actual start - intended start, per request
  HdrIntervalRecorder* hdr_ = nullptr;  // --hdr-log only
  bool sampling_ = true;
  std::unique_ptr<BacklogWatch> backlog_watch_;  // null unless watch_backlog()
  std::string stopped_early_;                    // why the workload stopped early, if it did
};

}  // namespace likesim
