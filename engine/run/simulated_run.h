// run_simulated: runs every strategy of a scenario in its own simulated world, side by side on
// `jobs` threads, and assembles the run's report. Each world is single-threaded and seeded
// from the scenario alone, so the report does not depend on `jobs` or on thread timing.
//
//   RunProgress progress = make_progress(scenario);
//   RunReport report = run_simulated(scenario, {.jobs = 2}, &progress);
#pragma once

#include <string>
#include <vector>

#include "engine/metrics/run_report.h"
#include "engine/run/backlog_watch.h"
#include "engine/run/run_progress.h"
#include "engine/scenario/scenario.h"

namespace likesim {

class HdrIntervalLog;

struct RunOptions {
  int jobs = 0;                    // threads; 0 = one per hardware thread
  bool keep_answers = false;       // every request's answer in StrategyReport::answers (tests)
  bool keep_final_counts = false;  // every post's count and truth in StrategyReport::final_counts
  // Off by default. On (likesim plan's probes): a strategy whose backlog grows steadily stops
  // early, and RunReport::failure names it and why ("strategy 'x': stopped early at ...").
  BacklogWatchOptions backlog_watch = {};
  // --hdr-log: each strategy's latencies per interval, into hdr_log->recorder(its index).
  // Null (the default): nothing more is recorded, and a run costs what it did.
  HdrIntervalLog* hdr_log = nullptr;
};

RunProgress make_progress(const Scenario& scenario);

// The order the strategies start in when they are more than the threads: the slowest kinds
// first, so that the run does not end on a slow one started last (longest processing time
// first). Only the wall time depends on it.
std::vector<std::size_t> start_order(const std::vector<StrategyConfig>& strategies);

// Throws std::runtime_error naming the strategy when a simulation fails.
RunReport run_simulated(const Scenario& scenario, const RunOptions& options, RunProgress* progress);

// The run's report from its strategies' reports and engine figures (both worlds).
RunReport assemble_run_report(const Scenario& scenario, std::string backend,
                              std::vector<StrategyReport> strategies, std::uint64_t events,
                              double clock_seconds, double wall_seconds);

}  // namespace likesim
