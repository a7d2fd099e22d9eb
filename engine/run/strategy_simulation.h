// StrategySimulation: one strategy of a scenario, run in its own simulated world.
//
// The workload is replayed open loop: every request is started at its intended send time,
// however far behind the backends are, and its latency is measured from that time (DESIGN.md
// §4). The oracle sees every acknowledgement; after the workload the strategy drains and the
// stored count of every touched post is compared with the truth.
//
//   StrategySimulation sim(scenario, scenario.strategies[0], &progress);
//   StrategyReport report = sim.run();     // blocks; runs in virtual time
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/metrics/latency_histogram.h"
#include "engine/metrics/oracle.h"
#include "engine/metrics/run_report.h"
#include "engine/metrics/time_series.h"
#include "engine/run/run_progress.h"
#include "engine/run/scenario.h"
#include "engine/run/sim_world.h"
#include "workloads/workload.h"

namespace likesim {

class StrategySimulation {
 public:
  // `progress` may be null.
  StrategySimulation(const Scenario& scenario, const StrategyConfig& config,
                     StrategyProgress* progress);
  ~StrategySimulation();

  // Runs the workload, the drain and the final check; returns the strategy's figures.
  // Throws std::runtime_error when a simulated process failed (a bug, reported in one line).
  StrategyReport run();

  // Engine figures of the finished run.
  std::uint64_t events() const { return world_.scheduler().events_processed(); }
  double simulated_seconds() const { return to_seconds(world_.scheduler().now()); }

 private:
  struct OpStats {
    LatencyHistogram latency;  // from the intended send time
    LatencyHistogram service;  // from the actual send time
    std::uint64_t count = 0;
    std::uint64_t errors = 0;
    std::uint64_t refused = 0;  // already_liked / not_liked answers
  };

  Task<void> feed();
  Task<void> serve(Request r);
  Task<void> inject_fault(FaultSpec fault);
  Task<void> sample_gauges();
  Task<void> drain();
  Task<void> check_posts(std::size_t first, std::size_t stride);

  void record(const Request& r, Time sent, bool ok, bool refused);
  void check_read(PostId post, std::int64_t reported, Time t);
  // Runs events until `done()` or virtual time passes `limit`; keeps progress current.
  template <class Done>
  bool run_until(Done done, Time limit);
  StrategyReport build_report() const;

  const Scenario& scenario_;
  const StrategyConfig& config_;
  StrategyProgress* progress_;
  SimWorld world_;
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
  bool feeder_done_ = false;
  bool drained_ = false;
  bool drain_timed_out_ = false;
  std::size_t checkers_left_ = 0;
  std::vector<PostId> posts_;
  FinalFigures final_;
  std::uint64_t final_read_failures_ = 0;
  std::uint64_t faults_not_applicable_ = 0;
  bool sampling_ = true;
};

}  // namespace likesim
