// AsioRuntime: the Runtime of the real world — steady_clock time and one Asio timer.
//
// Timed resumes (a strategy's sleep_for, the driver's open-loop pacing) go into the same
// 4-ary heap the simulator uses. A single steady_timer wakes the thread a little before the
// earliest one, and the last stretch is polled (asio_runtime.cpp says why), so pacing 100k
// requests/s costs a heap push per request, not a timer object or a timer syscall each. Everything
// runs on the thread that calls run_until(): strategies, executors and I/O completions never
// race.
//
//   boost::asio::io_context io;
//   real::AsioRuntime rt(io);
//   rt.spawn(feed());
//   bool done = rt.run_until([&] { return finished; }, rt.now() + 10s);
//   std::int64_t n = rt.block_on(client.count(post), 5s);   // tests and setup
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "absl/functional/function_ref.h"
#include "engine/core/runtime.h"
#include "engine/core/scheduler.h"

namespace likesim::real {

class AsioRuntime final : public Runtime {
 public:
  explicit AsioRuntime(boost::asio::io_context& io);

  // Time since construction (or since restart_clock()).
  Time now() const override {
    return std::chrono::duration_cast<Time>(std::chrono::steady_clock::now() - epoch_);
  }
  void resume_at(Time at, std::coroutine_handle<> h) override;

  // Makes now() read 0: a run's time starts when its workload does.
  void restart_clock() { epoch_ = std::chrono::steady_clock::now(); }

  // Runs I/O completions and due resumes until `done()` holds (true) or the clock passes
  // `limit` (false).
  bool run_until(absl::FunctionRef<bool()> done, Time limit);

  // Runs `task` to completion and returns its result; rethrows what it threw. Throws
  // std::runtime_error if it has not finished after `limit` (a server that never answers).
  template <class T>
  T block_on(Task<T> task, Duration limit);

  boost::asio::io_context& io() { return io_; }
  // How often the timer was armed (a timerfd_settime each): resumes due within the poll
  // window arm nothing.
  std::uint64_t timer_arms() const { return timer_arms_; }

 private:
  void arm(Time at);
  void run_due();

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  Scheduler timers_;  // only its heap: ordered by (time, seq)
  std::chrono::steady_clock::time_point epoch_;
  std::optional<Time> armed_for_;
  std::uint64_t timer_arms_ = 0;
};

namespace detail {
template <class T>
using BlockOnSlot = std::conditional_t<std::is_void_v<T>, bool, std::optional<T>>;

template <class T>
Task<void> run_into(Task<T> task, BlockOnSlot<T>& out, bool& finished, std::exception_ptr& error) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
    } else {
      out.emplace(co_await std::move(task));
    }
  } catch (...) {
    error = std::current_exception();
  }
  finished = true;
}
}  // namespace detail

template <class T>
T AsioRuntime::block_on(Task<T> task, Duration limit) {
  detail::BlockOnSlot<T> result{};
  bool finished = false;
  std::exception_ptr error;
  spawn(detail::run_into<T>(std::move(task), result, finished, error));
  if (!run_until([&] { return finished; }, now() + limit)) {
    throw std::runtime_error("no answer within " + std::to_string(to_seconds(limit)) + " s");
  }
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace likesim::real
