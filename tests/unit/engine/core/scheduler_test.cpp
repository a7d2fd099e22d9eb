#include "engine/core/scheduler.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/core/runtime.h"
#include "engine/core/task.h"

namespace likesim {
namespace {

struct Recorder final : EventHandler {
  Scheduler* s;
  std::vector<std::pair<std::int64_t, std::uint64_t>> seen;
  void on_event(std::uint64_t arg) override { seen.emplace_back(s->now().count(), arg); }
};

TEST(Scheduler, RunsByTimeThenByInsertionOrder) {
  Scheduler s;
  Recorder r;
  r.s = &s;
  s.schedule(Time(30), &r, 1);
  s.schedule(Time(10), &r, 2);
  s.schedule(Time(30), &r, 3);
  s.schedule(Time(10), &r, 4);
  s.schedule(Time(20), &r, 5);
  s.run();
  std::vector<std::pair<std::int64_t, std::uint64_t>> want = {
      {10, 2}, {10, 4}, {20, 5}, {30, 1}, {30, 3}};
  EXPECT_EQ(r.seen, want);
  EXPECT_EQ(s.events_processed(), 5u);
}

TEST(Scheduler, RunUntilExcludesTheBoundaryAndAdvancesTime) {
  Scheduler s;
  Recorder r;
  r.s = &s;
  s.schedule(Time(100), &r, 1);
  s.schedule(Time(200), &r, 2);
  s.run_until(Time(200));
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(s.now(), Time(200));
  EXPECT_EQ(s.pending(), 1u);
  s.run_until(Time(500));
  EXPECT_EQ(r.seen.size(), 2u);
  EXPECT_EQ(s.now(), Time(500));
}

TEST(Scheduler, ManyEventsComeOutSorted) {
  Scheduler s;
  Recorder r;
  r.s = &s;
  std::uint64_t x = 12345;
  for (int i = 0; i < 10000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    s.schedule(Time(static_cast<std::int64_t>(x >> 40)), &r, static_cast<std::uint64_t>(i));
  }
  s.run();
  ASSERT_EQ(r.seen.size(), 10000u);
  for (std::size_t i = 1; i < r.seen.size(); ++i) {
    ASSERT_LE(r.seen[i - 1].first, r.seen[i].first);
    if (r.seen[i - 1].first == r.seen[i].first) {
      ASSERT_LT(r.seen[i - 1].second, r.seen[i].second);
    }
  }
}

Task<int> add_after(Runtime& rt, Duration d, int a, int b) {
  co_await rt.sleep_for(d);
  co_return a + b;
}

Task<void> chain(Runtime& rt, std::vector<std::int64_t>& times, int& sum) {
  for (int i = 0; i < 3; ++i) {
    int v = co_await add_after(rt, 5us, i, 10);
    sum += v;
    times.push_back(rt.now().count());
  }
}

TEST(Task, CoroutinesResumeAtExactVirtualTimes) {
  Scheduler s;
  SimRuntime rt(s);
  std::vector<std::int64_t> times;
  int sum = 0;
  rt.spawn(chain(rt, times, sum));
  s.run();
  EXPECT_EQ(times, (std::vector<std::int64_t>{5000, 10000, 15000}));
  EXPECT_EQ(sum, 10 + 11 + 12);
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_FALSE(rt.first_error());
}

Task<void> throws_later(Runtime& rt) {
  co_await rt.sleep_for(1us);
  throw std::runtime_error("backend said no");
}

Task<void> rethrows(Runtime& rt, bool& caught) {
  try {
    co_await throws_later(rt);
  } catch (const std::runtime_error&) {
    caught = true;
  }
}

TEST(Task, ExceptionsTravelToTheAwaiterAndToTheRuntime) {
  Scheduler s;
  SimRuntime rt(s);
  bool caught = false;
  rt.spawn(rethrows(rt, caught));
  rt.spawn(throws_later(rt));
  s.run();
  EXPECT_TRUE(caught);
  EXPECT_EQ(describe(rt.first_error()), "backend said no");
}

Task<std::int64_t> deep(int n) {
  if (n == 0) co_return 0;
  std::int64_t v = co_await deep(n - 1);
  co_return v + 1;
}

Task<void> run_deep(std::int64_t& out) { out = co_await deep(100000); }

TEST(Task, DeepChainsDoNotOverflowTheStack) {
  Scheduler s;
  SimRuntime rt(s);
  std::int64_t out = -1;
  rt.spawn(run_deep(out));
  s.run();
  EXPECT_EQ(out, 100000);
}

Task<void> record_step(Runtime& rt, std::vector<int>& steps, int id) {
  steps.push_back(id);
  co_await rt.sleep_for(1us);
  steps.push_back(id + 100);
}

Task<void> starter(Runtime& rt, std::vector<int>& steps) {
  rt.start_now(record_step(rt, steps, 1));  // runs to its first suspension before returning
  steps.push_back(0);
  rt.spawn(record_step(rt, steps, 2));  // runs after the current event
  steps.push_back(-1);
  co_return;
}

TEST(Runtime, StartNowRunsInlineSpawnRunsLater) {
  Scheduler s;
  SimRuntime rt(s);
  std::vector<int> steps;
  rt.spawn(starter(rt, steps));
  s.run();
  EXPECT_EQ(steps, (std::vector<int>{1, 0, -1, 2, 101, 102}));
  EXPECT_EQ(rt.live_tasks(), 0u);
}

}  // namespace
}  // namespace likesim
