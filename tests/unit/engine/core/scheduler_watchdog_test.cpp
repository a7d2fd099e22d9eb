// The no-progress watchdog: a component that keeps scheduling work at one instant stops the run
// with an error naming it, and a busy instant below the limit does not.
#include <gtest/gtest.h>

#include <string>

#include "engine/core/runtime.h"
#include "engine/core/scheduler.h"
#include "engine/core/task.h"

namespace likesim {
namespace {

// The planted bug: an event that reschedules itself with zero delay, forever.
struct ZeroDelaySpinner final : EventHandler {
  Scheduler* s = nullptr;
  std::uint64_t runs = 0;
  void on_event(std::uint64_t arg) override {
    ++runs;
    s->schedule(s->now(), this, arg);
  }
};

std::string no_progress_message(Scheduler& s) {
  try {
    s.run();
  } catch (const NoProgressError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the run ended without the watchdog";
  return {};
}

TEST(SchedulerWatchdog, AZeroDelayLoopStopsTheRunNamingTheHandler) {
  Scheduler s;
  ZeroDelaySpinner spinner;
  spinner.s = &s;
  s.schedule(Time(5'000), &spinner, 1);
  const std::string message = no_progress_message(s);
  EXPECT_EQ(message.rfind("no progress at t=0.000005000 s: ", 0), 0u) << message;
  EXPECT_NE(message.find("ZeroDelaySpinner"), std::string::npos) << message;
  EXPECT_NE(message.find("events without the simulated clock advancing"), std::string::npos)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  // It stopped within two watch intervals of the limit, not later.
  EXPECT_GE(spinner.runs, Scheduler::kDefaultStallLimit);
  EXPECT_LE(spinner.runs, Scheduler::kDefaultStallLimit + 2 * s.watch_interval() + 300);
}

Task<void> poll_without_waiting(Runtime& rt, int* polls) {
  for (;;) {
    ++*polls;
    co_await rt.sleep_for(Duration(0));  // a poll timeout of zero
  }
}

TEST(SchedulerWatchdog, AZeroDelayCoroutineIsNamedByItsFunction) {
  Scheduler s;
  s.set_stall_limit(1000);
  SimRuntime rt(s);
  int polls = 0;
  s.run_until(Time(2'000'000'000));
  rt.spawn(poll_without_waiting(rt, &polls));
  const std::string message = no_progress_message(s);
  EXPECT_EQ(message.rfind("no progress at t=2.000000000 s: coroutine ", 0), 0u) << message;
  EXPECT_NE(message.find("poll_without_waiting"), std::string::npos) << message;
  EXPECT_GE(polls, 1000);
}

TEST(SchedulerWatchdog, ABusyInstantBelowTheLimitAndAMovingClockPass) {
  Scheduler s;
  s.set_stall_limit(1000);
  struct Counter final : EventHandler {
    std::uint64_t n = 0;
    void on_event(std::uint64_t) override { ++n; }
  } counter;
  // 1000 events at each of 50 instants: each instant is at the limit, none is past it.
  for (int t = 1; t <= 50; ++t) {
    for (int i = 0; i < 1000; ++i) s.schedule(Time(t), &counter, 0);
  }
  EXPECT_NO_THROW(s.run());
  EXPECT_EQ(counter.n, 50'000u);
  // Five times the limit at one instant trips it (checked every watch_interval() events).
  for (int i = 0; i < 5000; ++i) s.schedule(Time(60), &counter, 0);
  EXPECT_THROW(s.run(), NoProgressError);
}

}  // namespace
}  // namespace likesim
