// Oracle: acknowledged likes per wall second and bytes held per like, for a celebrity-shaped
// run: 90 % of likes on one hot post, the rest over 100,000 posts.
#include <benchmark/benchmark.h>

#include "bench/bench_main.h"
#include "engine/core/random_stream.h"
#include "engine/metrics/oracle.h"

namespace likesim {
namespace {

void BM_Oracle_LikeOk(benchmark::State& state) {
  const auto likes = static_cast<std::uint64_t>(state.range(0));
  double bytes_per_like = 0;
  for (auto _ : state) {
    Oracle o;
    RandomStream rng(3, "bench.oracle");
    for (std::uint64_t i = 0; i < likes; ++i) {
      const bool hot = rng.uniform01() < 0.9;
      const PostId post = hot ? 0 : static_cast<PostId>(1 + rng.uniform_int(100000));
      o.on_like_ok(post, static_cast<UserId>(mix64(i)),
                   Time(static_cast<std::int64_t>(i) * 10'000));
    }
    bytes_per_like = static_cast<double>(o.memory_bytes()) / static_cast<double>(o.likes_held());
    benchmark::DoNotOptimize(o.truth(0));
  }
  state.counters["bytes_per_like"] = bytes_per_like;
  state.counters["likes_per_s"] = benchmark::Counter(
      static_cast<double>(likes * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Oracle_LikeOk)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->ArgNames({"likes"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
