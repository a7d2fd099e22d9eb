// Runtime: time, timers and spawning, as strategies and drivers see them (leveldb's Env idea).
//
// SimRuntime drives virtual time through a Scheduler; a real runtime (engine/backends/real)
// reads steady_clock and arms Asio timers. Strategies hold a Runtime& and never know which.
//
//   co_await rt.sleep_for(10ms);            // a write-buffer flush interval
//   rt.spawn(consumer_loop(i));             // a background process; runs until it returns
//
// An exception escaping a spawned task is kept (the first one wins) and reported by the
// driver as one clear error at the end of the run; it is never swallowed.
#pragma once

#include <coroutine>
#include <exception>
#include <string>

#include "engine/core/scheduler.h"
#include "engine/core/sim_time.h"
#include "engine/core/task.h"

namespace likesim {

class Runtime {
 public:
  virtual ~Runtime() = default;

  virtual Time now() const = 0;
  // Resumes `h` at time `at` (or as soon as possible if `at` has passed).
  virtual void resume_at(Time at, std::coroutine_handle<> h) = 0;

  // Starts `task` as a detached background process. Its first step runs at now(), after the
  // events already scheduled for now().
  void spawn(Task<void> task);
  // Starts `task` as a detached process now, running it inline until its first suspension.
  // For a driver that is already at the task's start time (the open-loop feeder): it saves
  // the scheduler round trip spawn() makes. Call it only from a coroutine or event handler.
  void start_now(Task<void> task);

  struct SleepAwaiter {
    Runtime* rt;
    Time until;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { rt->resume_at(until, h); }
    void await_resume() const noexcept {}
  };
  SleepAwaiter sleep_for(Duration d) {
    return SleepAwaiter{this, now() + (d > Duration(0) ? d : Duration(0))};
  }
  SleepAwaiter sleep_until(Time t) { return SleepAwaiter{this, t > now() ? t : now()}; }

  // The first exception that escaped a spawned task, or null.
  std::exception_ptr first_error() const { return first_error_; }
  // Tasks spawned and not yet finished (a drain waits for this to settle).
  std::size_t live_tasks() const { return live_tasks_; }

  void report_error(std::exception_ptr e) {
    if (!first_error_) first_error_ = e;
  }
  void task_finished() { --live_tasks_; }

 private:
  // Counts the task live and hands its frame over to itself (it destroys it at its end).
  Task<void>::Handle detach(Task<void> task);

  std::exception_ptr first_error_;
  std::size_t live_tasks_ = 0;
};

class SimRuntime final : public Runtime {
 public:
  explicit SimRuntime(Scheduler& s) : sched_(&s) {}
  Time now() const override { return sched_->now(); }
  void resume_at(Time at, std::coroutine_handle<> h) override {
    sched_->schedule_resume(at > sched_->now() ? at : sched_->now(), h);
  }
  Scheduler& scheduler() { return *sched_; }

 private:
  Scheduler* sched_;
};

// Describes an exception_ptr in one line ("what()" or "unknown error").
std::string describe(std::exception_ptr e);

}  // namespace likesim
