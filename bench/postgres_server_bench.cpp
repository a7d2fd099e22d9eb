// The simulated PostgreSQL alone (sim::PostgresServer), closed loop, measured defaults:
//  - HotRow/N: N clients UPDATE one counter row (the celebrity's hot row: lock queue, WAL).
//  - FeedMix/N: N clients each alternate a feed page (20 pipelined reads) and a like
//    (insert + counter increment) on one of 10,000 posts: CPU queue, row locks, group commit.
// Figures: calls and simulated seconds per wall (CPU) second, events per call.
#include <benchmark/benchmark.h>

#include "bench/bench_main.h"
#include "engine/backends/sim/postgres_server.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

Task<void> hot_row_client(Runtime& rt, Db db, Time until, std::uint64_t& calls) {
  while (rt.now() < until) {
    const DbReply r = co_await db.run(DbStatement::counter_add(1, 1));
    (void)r;
    ++calls;
  }
}

Task<void> feed_client(Runtime& rt, Db db, UserId me, Time until, std::uint64_t& calls) {
  DbBatch page;
  for (std::uint32_t i = 0; rt.now() < until; ++i) {
    page.clear();
    const PostId first = (me * 7919u + i * 104729u) % 10000u;
    for (PostId p = 0; p < 20; ++p) page.add(DbStatement::like_exists((first + p) % 10000u, me));
    const ReplyStatus st = co_await db.read_batch(page);
    (void)st;
    const DbReply r = co_await db.run(DbStatement::insert_like_and_increment(first, me));
    (void)r;
    calls += 2;
  }
}

template <class Client>
void run_bench(benchmark::State& state, Client client, Duration simulated) {
  const int clients = static_cast<int>(state.range(0));
  double sim_s = 0, calls = 0, events = 0;
  for (auto _ : state) {
    Scheduler s;
    SimRuntime rt(s);
    sim::PostgresServer pg(s, sim::PostgresCosts{}, 1);
    std::uint64_t n = 0;
    for (int c = 0; c < clients; ++c) {
      rt.spawn(client(rt, Db(pg), static_cast<UserId>(c), Time(simulated), n));
    }
    s.run();
    sim_s += to_seconds(s.now());
    calls += static_cast<double>(n);
    events += static_cast<double>(s.events_processed());
  }
  state.counters["sim_seconds_per_s"] = benchmark::Counter(sim_s, benchmark::Counter::kIsRate);
  state.counters["calls_per_s"] = benchmark::Counter(calls, benchmark::Counter::kIsRate);
  state.counters["events_per_call"] = events / std::max(1.0, calls);
}

void BM_HotRow(benchmark::State& state) {
  run_bench(
      state,
      [](Runtime& rt, Db db, UserId, Time until, std::uint64_t& n) {
        return hot_row_client(rt, db, until, n);
      },
      std::chrono::seconds(20));
}

void BM_FeedMix(benchmark::State& state) {
  run_bench(
      state,
      [](Runtime& rt, Db db, UserId me, Time until, std::uint64_t& n) {
        return feed_client(rt, db, me, until, n);
      },
      std::chrono::seconds(2));
}

BENCHMARK(BM_HotRow)->Arg(32)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FeedMix)->Arg(64)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
