#include "workloads/radix_calendar.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <queue>
#include <vector>

#include "engine/core/random_stream.h"

namespace likesim {
namespace {

struct Later {
  bool operator()(const RadixCalendar::Entry& a, const RadixCalendar::Entry& b) const {
    return a.time > b.time || (a.time == b.time && a.tag > b.tag);
  }
};

// Random pushes of future entries, interleaved with pops, against a plain binary heap: the
// calendar must pop exactly the heap's sequence, whatever its slot width.
TEST(RadixCalendar, PopsExactlyWhatABinaryHeapPops) {
  for (int slot_bits : {0, 3, 10, 20}) {
    RadixCalendar cal(slot_bits);
    std::priority_queue<RadixCalendar::Entry, std::vector<RadixCalendar::Entry>, Later> heap;
    RandomStream rng(5, "test.calendar");
    std::int64_t now = 0;
    std::uint64_t popped = 0;
    for (int step = 0; step < 200000; ++step) {
      const int pushes = static_cast<int>(rng.uniform_int(3));
      for (int i = 0; i < pushes; ++i) {
        // Delays over many orders of magnitude, including 0 (same time as now).
        const double scale = std::pow(10.0, static_cast<double>(rng.uniform_int(13)));
        const auto delay = static_cast<std::int64_t>(rng.uniform01() * scale);
        const RadixCalendar::Entry e{now + delay, rng.uniform_int(4)};
        cal.push(e);
        heap.push(e);
      }
      RadixCalendar::Entry got;
      if (heap.empty()) {
        ASSERT_FALSE(cal.pop(got));
        continue;
      }
      ASSERT_TRUE(cal.pop(got));
      ASSERT_EQ(got.time, heap.top().time) << slot_bits << " " << popped;
      ASSERT_EQ(got.tag, heap.top().tag);
      heap.pop();
      now = got.time;
      ++popped;
      ASSERT_EQ(cal.size(), heap.size());
    }
    RadixCalendar::Entry got;
    while (!heap.empty()) {
      ASSERT_TRUE(cal.pop(got));
      ASSERT_EQ(got.time, heap.top().time);
      heap.pop();
    }
    EXPECT_FALSE(cal.pop(got));
  }
}

TEST(RadixCalendar, FarFutureAndTimeZeroEntries) {
  RadixCalendar cal(10);
  cal.push({std::int64_t{1} << 62, 1});
  cal.push({0, 2});
  cal.push({0, 1});
  RadixCalendar::Entry e;
  ASSERT_TRUE(cal.pop(e));
  EXPECT_EQ(e.time, 0);
  EXPECT_EQ(e.tag, 1u);
  cal.push({0, 0});  // into the open slot, still before the other entry at 0
  ASSERT_TRUE(cal.pop(e));
  EXPECT_EQ(e.tag, 0u);
  ASSERT_TRUE(cal.pop(e));
  EXPECT_EQ(e.tag, 2u);
  ASSERT_TRUE(cal.pop(e));
  EXPECT_EQ(e.time, std::int64_t{1} << 62);
  EXPECT_FALSE(cal.pop(e));
}

}  // namespace
}  // namespace likesim
