// End to end: each strategy on the celebrity scenario (100,000 likes/s on one post over a
// 10:1 background mix), shortened to 30 simulated seconds at peak so a repetition stays
// short. Figures: sim_speedup = simulated seconds / wall seconds (target >= 30), simulated
// operations and events per wall second.
#include <benchmark/benchmark.h>

#include <string>

#include "bench/bench_main.h"
#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

void BM_Strategy_Celebrity(benchmark::State& state, const std::string& strategy) {
  absl::StatusOr<Scenario> loaded =
      load_scenario(source_dir() + "/scenarios/celebrity.toml",
                    {"duration_s=30", "warmup_s=0", "workload.celebrity.start_s=0",
                     "workload.celebrity.ramp_s=1"});
  if (!loaded.ok()) {
    state.SkipWithError(std::string(loaded.status().message()).c_str());
    return;
  }
  Scenario scenario = *loaded;
  std::erase_if(scenario.strategies, [&](const StrategyConfig& c) { return c.name != strategy; });
  if (scenario.strategies.empty()) {
    state.SkipWithError("strategy not in scenarios/celebrity.toml");
    return;
  }
  double simulated = 0, ops = 0, events = 0;
  for (auto _ : state) {
    RunReport r = run_simulated(scenario, RunOptions{1}, nullptr);
    simulated += r.engine.simulated_seconds;
    events += static_cast<double>(r.engine.events);
    for (const OpFigures& op : r.strategies[0].ops) ops += static_cast<double>(op.count);
  }
  state.counters["sim_seconds_per_s"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
  state.counters["ops_per_s"] = benchmark::Counter(ops, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_Strategy_Celebrity, count_query, std::string("count_query"))
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Strategy_Celebrity, single_counter, std::string("single_counter"))
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Strategy_Celebrity, single_counter_redis, std::string("single_counter_redis"))
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Strategy_Celebrity, sharded_counter, std::string("sharded_counter"))
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Strategy_Celebrity, write_buffered, std::string("write_buffered"))
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Strategy_Celebrity, async_log, std::string("async_log"))
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
