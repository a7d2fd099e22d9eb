// Exact state per acknowledged like, all copies together, as on the celebrity burst: `likes`
// distinct users among 100 M (the scenario's users) like one post, and each like lands in the
// oracle's truth, the simulated Redis set (a like_set key's UserSet, as sim::RedisNode holds
// it) and the simulated likes table. Figures: bytes_per_like = the heap the three grew by
// (glibc mallinfo2), per like (target <= 8), with each copy's own share; likes_per_s through
// all three. in_fans_order=1 keeps the three in the order the fans come (UserOrder), as a
// celebrity run does; 0 in id order, as a run whose likers come in no order.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include "bench/bench_main.h"
#include "engine/backends/sim/postgres_tables.h"
#include "engine/metrics/oracle.h"
#include "engine/model/user_order.h"
#include "engine/model/user_set.h"

namespace likesim {
namespace {

constexpr std::uint64_t kUsers = 100'000'000;

// In-use arena bytes plus mmapped blocks (large vectors and tables are mmapped).
std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

void BM_ExactState_OnePost(benchmark::State& state) {
  const auto likes = static_cast<std::uint64_t>(state.range(0));
  // Distinct users in a scattered order, as the celebrity workload's fans.
  const UserPermutation fans(42, kUsers);
  const auto user_of = [&](std::uint64_t i) { return fans(static_cast<std::uint32_t>(i)) + 1; };
  const UserOrder order = state.range(1) != 0 ? UserOrder::by_rank(fans) : UserOrder{};
  double total = 0, oracle = 0, redis = 0, table = 0;
  for (auto _ : state) {
    const std::size_t start = heap_in_use();
    Oracle truth;
    truth.order_users(order);
    for (std::uint64_t i = 0; i < likes; ++i) {
      truth.on_like_ok(1, user_of(i), Time(static_cast<std::int64_t>(i) * 10'000));
    }
    const std::size_t after_oracle = heap_in_use();
    UserSet redis_set(order);
    for (std::uint64_t i = 0; i < likes; ++i) redis_set.insert(user_of(i));
    const std::size_t after_redis = heap_in_use();
    sim::PostgresTables tables;
    tables.order_users(order);
    for (std::uint64_t i = 0; i < likes; ++i) {
      tables.apply({sim::PgWrite::like_row, 1, user_of(i), +1});
    }
    const std::size_t end = heap_in_use();
    const auto per_like = [&](std::size_t bytes) {
      return static_cast<double>(bytes) / static_cast<double>(likes);
    };
    oracle = per_like(after_oracle - start);
    redis = per_like(after_redis - after_oracle);
    table = per_like(end - after_redis);
    total = per_like(end - start);
    benchmark::DoNotOptimize(truth.truth(1));
    benchmark::DoNotOptimize(tables.like_rows(1));
  }
  state.counters["bytes_per_like"] = total;
  state.counters["oracle_bytes"] = oracle;
  state.counters["redis_set_bytes"] = redis;
  state.counters["likes_table_bytes"] = table;
  state.counters["likes_per_s"] = benchmark::Counter(
      static_cast<double>(likes * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ExactState_OnePost)
    ->ArgsProduct({{1'000'000, 18'000'000}, {0, 1}})
    ->ArgNames({"likes", "in_fans_order"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
