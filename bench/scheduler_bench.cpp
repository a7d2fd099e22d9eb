// Scheduler and Task throughput: events per wall second with small and large pending sets,
// and a coroutine that sleeps in a loop (one resume event per step).
#include <benchmark/benchmark.h>

#include "bench/bench_main.h"
#include "engine/core/random_stream.h"
#include "engine/core/runtime.h"
#include "engine/core/scheduler.h"

namespace likesim {
namespace {

// An event source that keeps `pending` events in flight: each event schedules its successor
// at a random future time, as simulated servers do.
struct Rescheduler final : EventHandler {
  Scheduler* s;
  RandomStream rng{1, "bench.scheduler"};
  void on_event(std::uint64_t arg) override {
    s->schedule(s->now() + Duration(1 + static_cast<std::int64_t>(rng.next_u64() & 0xfff)), this,
                arg);
  }
};

void BM_Scheduler_PushPop(benchmark::State& state) {
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  Scheduler s;
  Rescheduler r;
  r.s = &s;
  for (std::uint64_t i = 0; i < pending; ++i)
    s.schedule(Duration(static_cast<std::int64_t>(i)), &r, i);
  std::uint64_t events = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i) s.run_one();
    events += 1000;
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Scheduler_PushPop)->Arg(10)->Arg(1000)->Arg(20000)->ArgNames({"pending"});

Task<void> sleeper(Runtime& rt, std::uint64_t steps) {
  for (std::uint64_t i = 0; i < steps; ++i) co_await rt.sleep_for(Duration(1 + (i & 7)));
}

void BM_Scheduler_CoroutineSleep(benchmark::State& state) {
  const auto tasks = static_cast<std::uint64_t>(state.range(0));
  constexpr std::uint64_t kSteps = 100000;
  std::uint64_t events = 0;
  for (auto _ : state) {
    Scheduler s;
    SimRuntime rt(s);
    for (std::uint64_t t = 0; t < tasks; ++t) rt.spawn(sleeper(rt, kSteps / tasks));
    s.run();
    events += s.events_processed();
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Scheduler_CoroutineSleep)->Arg(1)->Arg(100)->Arg(10000)->ArgNames({"tasks"});

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
