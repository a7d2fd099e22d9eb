// LatencyHistogram: O(1) record and one-pass percentiles.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/bench_main.h"
#include "engine/core/random_stream.h"
#include "engine/metrics/latency_histogram.h"

namespace likesim {
namespace {

void BM_Histogram_Record(benchmark::State& state) {
  RandomStream rng(1, "bench.histogram");
  std::vector<std::int64_t> values(4096);
  for (auto& v : values) v = static_cast<std::int64_t>(rng.exponential(2000.0)) + 1;
  LatencyHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.record_value(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.total_count());
  state.counters["values_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Histogram_Record);

void BM_Histogram_Percentiles(benchmark::State& state) {
  RandomStream rng(1, "bench.histogram");
  LatencyHistogram h;
  for (int i = 0; i < 1'000'000; ++i)
    h.record_value(static_cast<std::int64_t>(rng.exponential(2000.0)));
  static constexpr double kPs[] = {50, 90, 99, 99.9, 99.99};
  std::int64_t out[5];
  for (auto _ : state) {
    h.percentiles(kPs, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Histogram_Percentiles);

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
