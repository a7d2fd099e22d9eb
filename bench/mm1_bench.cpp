// The engine's speed as a ratio to its limit: scenarios/mm1.toml (Poisson likes into one
// simulated Redis node, exponential service, rho = 0.8) through the whole stack, beside a bare
// binary-heap event loop of the same M/M/1 in the same binary. The bare loop is what a
// discrete-event simulation of this model costs with nothing else: a std::priority_queue of
// (time, sequence) events, one arrival and one departure per customer, the departure time
// computed on arrival as the simulated node computes it, so that, as in a run, every customer
// in the system has its departure pending. Figures: requests per wall second of each, and
// their ratio (target >= 0.30).
//
//   build/mm1_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "bench/bench_main.h"
#include "engine/core/random_stream.h"
#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

struct BareEvent {
  std::int64_t time;
  std::uint64_t seq;
  bool arrival;
  bool operator>(const BareEvent& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

// Customers served in `seconds` of simulated time.
std::uint64_t bare_heap_mm1(double lambda_per_s, double service_us, double seconds) {
  RandomStream arrivals(1, "bench.mm1.arrivals");
  RandomStream service(2, "bench.mm1.service");
  const double gap_ns = 1e9 / lambda_per_s;
  const double service_ns = service_us * 1000.0;
  const auto end = static_cast<std::int64_t>(seconds * 1e9);
  std::priority_queue<BareEvent, std::vector<BareEvent>, std::greater<>> heap;
  std::uint64_t seq = 0, served = 0;
  std::int64_t free_at = 0;
  heap.push({0, seq++, true});
  while (!heap.empty()) {
    const BareEvent e = heap.top();
    heap.pop();
    if (!e.arrival) {
      ++served;
      continue;
    }
    free_at =
        std::max(free_at, e.time) + static_cast<std::int64_t>(service.exponential(service_ns));
    heap.push({free_at, seq++, false});
    const std::int64_t next = e.time + static_cast<std::int64_t>(arrivals.exponential(gap_ns));
    if (next < end) heap.push({next, seq++, true});
  }
  return served;
}

Scenario mm1_scenario(benchmark::State& state) {
  absl::StatusOr<Scenario> loaded = load_scenario(source_dir() + "/scenarios/mm1.toml", {});
  if (!loaded.ok()) state.SkipWithError(std::string(loaded.status().message()).c_str());
  return loaded.ok() ? *loaded : Scenario{};
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void BM_MM1_BareHeap(benchmark::State& state) {
  std::uint64_t served = 0;
  for (auto _ : state) served += bare_heap_mm1(80'000, 10.0, 60.0);
  state.counters["req_per_s"] =
      benchmark::Counter(static_cast<double>(served), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MM1_BareHeap)->Unit(benchmark::kSecond)->Iterations(1);

// The whole stack, and the bare loop on the same model and simulated time right after it, so
// the ratio compares two runs on the same machine in the same minute.
void BM_MM1_Likesim(benchmark::State& state) {
  const Scenario scenario = mm1_scenario(state);
  if (scenario.strategies.empty()) return;
  const sim::RedisCosts& redis = scenario.costs.redis;
  const double lambda = scenario.workload.steady.writes_per_s;
  double requests = 0, engine_s = 0, bare = 0, bare_s = 0;
  for (auto _ : state) {
    RunReport r = run_simulated(scenario, RunOptions{1}, nullptr);
    for (const OpFigures& op : r.strategies[0].ops) requests += static_cast<double>(op.count);
    engine_s += r.strategies[0].wall_seconds;
    const auto t = std::chrono::steady_clock::now();
    bare += static_cast<double>(bare_heap_mm1(lambda, redis.request_us, scenario.duration_s));
    bare_s += seconds_since(t);
  }
  const double engine_rate = requests / engine_s, bare_rate = bare / bare_s;
  state.counters["req_per_s"] = engine_rate;
  state.counters["bare_heap_req_per_s"] = bare_rate;
  state.counters["ratio_to_bare_heap"] = engine_rate / bare_rate;
}
BENCHMARK(BM_MM1_Likesim)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
