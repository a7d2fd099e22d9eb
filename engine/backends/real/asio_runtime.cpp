#include "engine/backends/real/asio_runtime.h"

namespace likesim::real {
namespace {

// The last stretch before a due resume is waited for by polling I/O, not by the timer:
// - the timer wakes the thread late (this 2-core VM: the open loop's sends went out 50-70 us
//   after their intended times at 2,000/s, and that lateness is the load generator's, not the
//   servers'), so it is armed kPollWindow early and the rest is polled;
// - a resume due within kPollWindow arms nothing: on a virtual machine every timerfd_settime
//   is a trap to the hypervisor (perf trace here: 40 us each, 29 k/s when pacing INCRs at
//   146 k/s, a third of the client's thread), while a non-blocking poll is a plain epoll_wait.
// Polling costs at most kPollWindow of CPU per timed resume.
constexpr Duration kPollWindow = std::chrono::microseconds(100);

}  // namespace

AsioRuntime::AsioRuntime(boost::asio::io_context& io)
    : io_(io), timer_(io), epoch_(std::chrono::steady_clock::now()) {}

void AsioRuntime::resume_at(Time at, std::coroutine_handle<> h) {
  // Armed lazily, when run_until() is about to block: a burst of schedules costs no syscall.
  timers_.schedule_resume(at, h);
}

void AsioRuntime::arm(Time at) {
  armed_for_ = at;
  ++timer_arms_;
  // Re-arming cancels the previous wait; its handler then sees operation_aborted and leaves
  // the new wait alone.
  timer_.expires_at(epoch_ + at);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec != boost::asio::error::operation_aborted) armed_for_.reset();
  });
}

void AsioRuntime::run_due() {
  // Resume what is due, including what those resumes schedule for now: a burst of due
  // requests is started in one go, in (time, seq) order.
  Time t = now();
  while (!timers_.empty() && timers_.next_time() <= t) {
    timers_.run_one();
    t = now();
  }
}

bool AsioRuntime::run_until(absl::FunctionRef<bool()> done, Time limit) {
  if (io_.stopped()) io_.restart();
  while (!done()) {
    const Time t = now();
    if (t > limit) return false;
    // Due resumes first, so a ready socket cannot starve the pacing.
    if (!timers_.empty() && timers_.next_time() <= t) {
      run_due();
      continue;
    }
    if (!timers_.empty() && timers_.next_time() - t <= kPollWindow) {
      io_.poll();  // completions that are ready, without blocking or arming the timer
      if (io_.stopped()) io_.restart();
      continue;
    }
    // About to block: the timer must wake us kPollWindow before the earliest resume. (A timer
    // still armed for a resume that polling already ran fires early and harmlessly.)
    if (!timers_.empty()) {
      const Time wake = timers_.next_time() - kPollWindow;
      if (!armed_for_ || wake < *armed_for_) arm(wake);
    }
    const std::size_t ran = io_.run_one_until(epoch_ + limit);
    if (ran == 0 && io_.stopped()) {
      // Nothing left to wait for: no timer armed and no I/O in flight.
      io_.restart();
      if (timers_.empty()) return done();
    }
  }
  return true;
}

}  // namespace likesim::real
