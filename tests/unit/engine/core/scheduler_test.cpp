#include "engine/core/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <coroutine>
#include <exception>
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

// A coroutine that records (now, id) when resumed, once.
struct Probe {
  struct promise_type {
    Probe get_return_object() { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
  std::coroutine_handle<promise_type> h;
};
using Seen = std::vector<std::pair<std::int64_t, int>>;
Probe probe(const Scheduler& s, Seen& seen, int id) {
  seen.emplace_back(s.now().count(), id);
  co_return;
}

// The same resumes, scheduled on three lanes in one scheduler and plainly in another, run in
// the same order: mostly in time order per lane, with ties, and with resumes earlier than
// their lane's last (which must overtake the lane's queue), some scheduled while running.
TEST(Scheduler, LanesRunResumesInExactlyThePlainOrder) {
  Scheduler laned, plain;
  const Scheduler::Lane lanes[3] = {laned.add_lane(), laned.add_lane(), laned.add_lane()};
  Seen seen_laned, seen_plain;
  std::vector<Probe> probes;
  std::uint64_t x = 99;
  std::int64_t lane_time[3] = {0, 0, 0};
  int id = 0;
  const auto schedule_some = [&](int n, std::int64_t now) {
    for (int i = 0; i < n; ++i, ++id) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const int lane = static_cast<int>((x >> 33) % 3);
      std::int64_t& t = lane_time[lane];
      t = std::max(t, now);
      if ((x >> 40) % 10 == 0) {
        t = std::max(now, t - static_cast<std::int64_t>((x >> 20) % 40));  // earlier
      } else {
        t += static_cast<std::int64_t>((x >> 24) % 3);  // later or tied
      }
      probes.push_back(probe(laned, seen_laned, id));
      laned.schedule_resume(lanes[lane], Time(t), probes.back().h);
      probes.push_back(probe(plain, seen_plain, id));
      plain.schedule_resume(Time(t), probes.back().h);
    }
  };
  schedule_some(3000, 0);
  EXPECT_EQ(laned.pending(), plain.pending());
  laned.run_until(Time(400));
  plain.run_until(Time(400));
  EXPECT_EQ(laned.pending(), plain.pending());
  schedule_some(3000, 400);
  laned.run();
  plain.run();
  ASSERT_EQ(seen_laned.size(), 6000u);
  EXPECT_EQ(seen_laned, seen_plain);
  EXPECT_EQ(laned.pending(), 0u);
  EXPECT_TRUE(laned.empty());
  for (Probe& p : probes) p.h.destroy();
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
#if defined(__SANITIZE_ADDRESS__)
  // Symmetric transfer is a tail call; AddressSanitizer's instrumentation keeps the caller's
  // frame alive, so every resume grows the stack there (scripts/sanitize).
  GTEST_SKIP() << "symmetric transfer needs tail calls, which AddressSanitizer prevents";
#endif
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

// Counts its live copies: a coroutine's copy of a parameter dies only with its frame.
struct FrameWitness {
  int* live;
  explicit FrameWitness(int* l) : live(l) { ++*live; }
  FrameWitness(const FrameWitness& o) : live(o.live) { ++*live; }
  ~FrameWitness() { --*live; }
};

Task<void> finishes_at_once(FrameWitness, bool fail) {
  if (fail) throw std::runtime_error("failed before its first suspension");
  co_return;
}

Task<void> finishes_later(Runtime& rt, FrameWitness) { co_await rt.sleep_for(1us); }

TEST(Runtime, ADetachedTaskFreesItsFrameWhenItEndsAndReportsItsError) {
  Scheduler s;
  SimRuntime rt(s);
  int live = 0;
  {
    const FrameWitness w(&live);
    rt.start_now(finishes_at_once(w, false));
    rt.spawn(finishes_later(rt, w));
    rt.start_now(finishes_at_once(w, true));
    // Both start_now tasks ended inline and their frames are gone; the spawned one waits.
    EXPECT_EQ(live, 2);
    EXPECT_EQ(rt.live_tasks(), 1u);
  }
  s.run();
  EXPECT_EQ(live, 0);
  EXPECT_EQ(rt.live_tasks(), 0u);
  EXPECT_EQ(describe(rt.first_error()), "failed before its first suspension");
}

}  // namespace
}  // namespace likesim
