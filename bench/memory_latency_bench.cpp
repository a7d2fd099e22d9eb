// The machine's memory latency: a dependent pointer chase through a random cycle over N MB,
// so every load waits for the one before it.
//
// The simulator's hot paths are cache misses (coroutine frames, exact sets, the answer
// check's entries of ~100 k requests in flight) and the hawkes generator's calendar is a
// few MB: their speed follows this figure more than the CPU's. On 2026-12-02 this 2-core VM
// answered in 13-14 ns at 1 MB but 155-176 ns at 8 MB and 314-425 ns at 128 MB (its 32 MB L3
// gives little), and the simulator ran about half as fast as on earlier days; read the other
// benchmarks' figures beside this one, measured the same hour.
//
//   build/memory_latency_bench      # ns per load at 1, 8, 32 and 128 MB
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "engine/core/random_stream.h"

namespace likesim {
namespace {

void BM_PointerChase(benchmark::State& state) {
  const std::size_t n =
      static_cast<std::size_t>(state.range(0)) * 1024 * 1024 / sizeof(std::size_t);
  // One random cycle through every slot (Sattolo's shuffle), so the chase visits them all.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  RandomStream rng(1, "pointer chase");
  for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.uniform_int(i)]);
  std::vector<std::size_t> next(n);
  for (std::size_t i = 0; i < n; ++i) next[order[i]] = order[(i + 1) % n];
  constexpr std::size_t kLoads = 1 << 22;
  std::size_t p = 0;
  std::chrono::duration<double, std::nano> spent{0};
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < kLoads; ++i) p = next[p];
    spent += std::chrono::steady_clock::now() - start;
    benchmark::DoNotOptimize(p);
  }
  state.counters["ns_per_load"] =
      spent.count() / (static_cast<double>(kLoads) * static_cast<double>(state.iterations()));
}
BENCHMARK(BM_PointerChase)
    ->ArgName("MB")
    ->Arg(1)
    ->Arg(8)
    ->Arg(32)
    ->Arg(128)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace likesim

BENCHMARK_MAIN();
