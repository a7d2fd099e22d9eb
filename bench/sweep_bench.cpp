// A sweep of 8 runs, one after another (threads = 1) and two at a time (threads = 2): the
// speed-up the sweep's parallel runner gives on this machine (target >= 1.8x on 2 cores).
// Each run is the celebrity burst for sharded_counter with 2, 4, ..., 16 shards, shortened to a
// 5 s hold (20 s simulated) so one iteration takes seconds, not minutes.
#include <benchmark/benchmark.h>

#include "bench/bench_main.h"
#include "engine/plan/sweep_runner.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

void BM_Sweep_EightRuns(benchmark::State& state) {
  SweepSpec spec;
  spec.scenario_path = source_dir() + "/scenarios/celebrity.toml";
  spec.overrides = {"workload.celebrity.hold_s=5", "duration_s=20"};
  spec.strategies = {"sharded_counter"};
  spec.axes = {*parse_vary("strategy.sharded_counter.shards=2..16+2")};
  const std::vector<SweepJob> jobs = sweep_jobs(spec, Slice{}, nullptr).value();
  std::size_t rows = 0;
  for (auto _ : state) {
    run_sweep_jobs(spec, jobs, static_cast<int>(state.range(0)), nullptr,
                   [&](const SweepJob&, SweepCells) { ++rows; });
  }
  state.counters["runs"] = static_cast<double>(jobs.size());
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Sweep_EightRuns)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(2);

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
