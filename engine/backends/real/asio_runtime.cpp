#include "engine/backends/real/asio_runtime.h"

namespace likesim::real {

AsioRuntime::AsioRuntime(boost::asio::io_context& io)
    : io_(io), timer_(io), epoch_(std::chrono::steady_clock::now()) {}

void AsioRuntime::resume_at(Time at, std::coroutine_handle<> h) {
  timers_.schedule_resume(at, h);
  if (!armed_for_ || at < *armed_for_) arm(at);
}

void AsioRuntime::arm(Time at) {
  armed_for_ = at;
  // Re-arming cancels the previous wait; its handler then sees operation_aborted and leaves
  // the new wait alone.
  timer_.expires_at(epoch_ + at);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec != boost::asio::error::operation_aborted) on_timer();
  });
}

void AsioRuntime::on_timer() {
  armed_for_.reset();
  // Resume what is due, including what those resumes schedule for now: a burst of due
  // requests is started in one go, in (time, seq) order.
  Time t = now();
  while (!timers_.empty() && timers_.next_time() <= t) {
    timers_.run_one();
    t = now();
  }
  // Resumes above may have armed the timer for their own (later) time; the earliest pending
  // one decides.
  if (!timers_.empty() && (!armed_for_ || timers_.next_time() < *armed_for_)) {
    arm(timers_.next_time());
  }
}

bool AsioRuntime::run_until(absl::FunctionRef<bool()> done, Time limit) {
  if (io_.stopped()) io_.restart();
  while (!done()) {
    const Time t = now();
    if (t > limit) return false;
    // Due resumes first, so a ready socket cannot starve the pacing.
    if (!timers_.empty() && timers_.next_time() <= t) {
      on_timer();
      continue;
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
