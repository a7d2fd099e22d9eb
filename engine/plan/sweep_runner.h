// The runs of a sweep: each (grid point, strategy) is one simulated run of one strategy on one
// core, and `jobs` of them run at once. A strategy's world is seeded from the scenario alone,
// so its row is the one `likesim run --strategies NAME --set ...` gives for the same point.
//
//   absl::StatusOr<std::vector<SweepJob>> jobs = sweep_jobs(spec, grid(spec.axes), slice);
//   run_sweep_jobs(spec, *jobs, 2, &progress, [&](const SweepJob& j, SweepCells row) {...});
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan/sweep_grid.h"
#include "engine/plan/sweep_table.h"
#include "engine/run/run_progress.h"

namespace likesim {

struct SweepSpec {
  std::string scenario_path;
  std::vector<std::string> overrides;  // the user's --set (and --seed), before each point's
  std::string costs_path;
  std::vector<std::string> strategies;  // the ones to run; empty: all of the scenario's
  std::vector<VaryAxis> axes;
};

struct SweepJob {
  GridPoint point;
  std::size_t runs = 0;     // the whole grid's, not the slice's
  std::string config_hash;  // the point's resolved scenario
  std::string strategy;
};

// The jobs of the runs in `slice`, in run order, strategies in the scenario's order. Loads
// the scenario at every point first, so a bad --vary value or a strategy not in the file fails
// here, in one line, before anything runs. Also gives the strategies' order (for sort_rows).
absl::StatusOr<std::vector<SweepJob>> sweep_jobs(const SweepSpec& spec, Slice slice,
                                                 std::vector<std::string>* strategy_order);

// How far the sweep has got: jobs done, and the simulated clock of each worker's current job.
struct SweepProgress {
  std::size_t total = 0;
  std::atomic<std::size_t> done{0};
  std::vector<std::unique_ptr<RunProgress>> workers;  // one strategy each
  double fraction() const;                            // 0..1
};

// Runs `jobs` on `threads` threads (0: one per core); `on_row` gets each row as its run ends,
// one call at a time. A run that throws gives a failed_row with the reason, and the rest go on.
void run_sweep_jobs(const SweepSpec& spec, const std::vector<SweepJob>& jobs, int threads,
                    SweepProgress* progress,
                    const std::function<void(const SweepJob&, SweepCells)>& on_row);

}  // namespace likesim
