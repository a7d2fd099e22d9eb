// DepartureTimes against a plain vector of times, through the head, many chunks, and chunks
// widened because the count came back to old values more than 2^32 ns later.
#include "engine/metrics/departure_times.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/core/random_stream.h"

namespace likesim {
namespace {

TEST(DepartureTimes, HoldsEveryTimeExactlyAsAVectorWould) {
  RandomStream rng(2, "departure_times");
  DepartureTimes left_at;
  std::vector<std::int64_t> ref;
  std::int64_t t = 0;
  std::size_t count = 0;
  for (int step = 0; step < 200'000; ++step) {
    // Mostly microseconds apart; now and then a pause of 5-10 s, past a 32-bit offset.
    t += rng.bernoulli(0.0005) ? 5'000'000'000 + static_cast<std::int64_t>(rng.uniform_int(5e9))
                               : static_cast<std::int64_t>(rng.uniform_int(20'000));
    // The count leaves its value: up (a like) or down (an unlike), mostly up.
    if (count == 0 || rng.bernoulli(0.7)) {
      if (count == ref.size()) {
        ref.push_back(t);
        left_at.push_back(t);
      } else {
        ref[count] = t;
        left_at.set(count, t);
      }
      ++count;
    } else {
      // Down from `count`: count - 1 is left next time it goes up; record leaving `count`.
      --count;
      if (count + 1 < ref.size()) {
        ref[count + 1] = t;
        left_at.set(count + 1, t);
      }
    }
  }
  ASSERT_EQ(left_at.size(), ref.size());
  ASSERT_GT(ref.size(), 3 * 256u);
  for (std::size_t v = 0; v < ref.size(); ++v) ASSERT_EQ(left_at[v], ref[v]) << v;
}

TEST(DepartureTimes, CostsAboutFourBytesAValueOnceLarge) {
  DepartureTimes left_at;
  for (std::int64_t v = 0; v < 1'000'000; ++v) left_at.push_back(v * 10'000);  // 100 k/s
  EXPECT_LT(left_at.memory_bytes(), 1'000'000 * 4.2);
  EXPECT_EQ(left_at[999'999], 999'999 * 10'000LL);
}

TEST(DepartureTimes, ASmallPostPaysForNoChunk) {
  DepartureTimes left_at;
  for (std::int64_t v = 0; v < 5; ++v) left_at.push_back(v);
  EXPECT_LT(left_at.memory_bytes(), 100u);
}

}  // namespace
}  // namespace likesim
