#include "engine/backends/real/asio_runtime.h"

#include <gtest/gtest.h>

#include <vector>

namespace likesim::real {
namespace {

using namespace std::chrono_literals;

Task<int> sleep_then(Runtime& rt, Duration d, int v) {
  co_await rt.sleep_for(d);
  co_return v;
}

Task<void> record_after(Runtime& rt, Duration d, int id, std::vector<int>& order) {
  co_await rt.sleep_for(d);
  order.push_back(id);
}

TEST(AsioRuntime, ResumesInTimeOrderNotSpawnOrder) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  std::vector<int> order;
  rt.spawn(record_after(rt, 30ms, 3, order));
  rt.spawn(record_after(rt, 10ms, 1, order));
  rt.spawn(record_after(rt, 20ms, 2, order));
  const Time start = rt.now();
  EXPECT_TRUE(rt.run_until([&] { return order.size() == 3; }, start + 5s));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_GE(rt.now() - start, 30ms);
}

TEST(AsioRuntime, BlockOnReturnsTheResultAfterTheSleep) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  const Time start = rt.now();
  EXPECT_EQ(rt.block_on(sleep_then(rt, 5ms, 42), 5s), 42);
  EXPECT_GE(rt.now() - start, 5ms);
}

TEST(AsioRuntime, RunUntilGivesUpAtTheLimit) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  std::vector<int> order;
  rt.spawn(record_after(rt, 10s, 1, order));
  const Time start = rt.now();
  EXPECT_FALSE(rt.run_until([&] { return !order.empty(); }, start + 20ms));
  EXPECT_TRUE(order.empty());
  EXPECT_LT(rt.now() - start, 1s);
}

// An open loop as the drivers pace one: each of `n` sends sleeps until its intended time,
// `gap` apart. Returns how often the runtime armed its timer; fails if a send woke early.
Task<void> paced(Runtime& rt, Time first, Duration gap, int n, int& sent) {
  for (int i = 0; i < n; ++i) {
    const Time intended = first + gap * i;
    co_await rt.sleep_until(intended);
    EXPECT_GE(rt.now(), intended) << "send " << i << " woke early";
    ++sent;
  }
}

std::uint64_t arms_pacing(Duration gap, int n) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  int sent = 0;
  const Time first = rt.now() + 5ms;
  rt.spawn(paced(rt, first, gap, n, sent));
  EXPECT_TRUE(rt.run_until([&] { return sent == n; }, first + 10s));
  return rt.timer_arms();
}

TEST(AsioRuntime, PacingFasterThanThePollWindowArmsNoTimerPerResume) {
  // The timer is armed for the first send only (it used to be re-armed for every one:
  // 2,000 timerfd_settime calls).
  EXPECT_LE(arms_pacing(10us, 2000), 2u);
}

// It sleeps between sends: a timer per send, but for the few a loaded machine wakes too late
// for (a send already within the poll window when the thread runs again needs none). A
// runtime that spun instead would arm it once.
TEST(AsioRuntime, SlowPacingArmsTheTimerForMostSends) { EXPECT_GE(arms_pacing(2ms, 20), 10u); }

Task<void> throws_after(Runtime& rt) {
  co_await rt.sleep_for(1ms);
  throw std::runtime_error("boom");
}

TEST(AsioRuntime, BlockOnRethrows) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  EXPECT_THROW(rt.block_on(throws_after(rt), 5s), std::runtime_error);
}

}  // namespace
}  // namespace likesim::real
