// Conversions from floating point never overflow the int64 cast (undefined behaviour): they
// round to the nearest ns inside the range and saturate outside it; NaN is 0.
#include "engine/core/sim_time.h"

#include <gtest/gtest.h>

#include <limits>

namespace likesim {
namespace {

TEST(SimTime, ConversionsRoundToTheNearestNanosecond) {
  EXPECT_EQ(from_micros(1.5).count(), 1500);
  EXPECT_EQ(from_micros(0.0004).count(), 0);
  EXPECT_EQ(from_micros(0.0006).count(), 1);
  EXPECT_EQ(from_micros(-2.0).count(), -2000);
  EXPECT_EQ(from_millis(0.001).count(), 1000);
  EXPECT_EQ(from_seconds(2592000).count(), 2'592'000'000'000'000);  // 30 days
}

TEST(SimTime, ConversionsSaturateInsteadOfOverflowing) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(from_seconds(1e12).count(), kMaxDurationNs);
  EXPECT_EQ(from_seconds(kInf).count(), kMaxDurationNs);
  EXPECT_EQ(from_micros(1e300).count(), kMaxDurationNs);
  EXPECT_EQ(from_millis(-kInf).count(), -kMaxDurationNs);
  EXPECT_EQ(from_seconds(std::numeric_limits<double>::quiet_NaN()).count(), 0);
  // Headroom: a saturated duration added to a 30-day clock still fits.
  EXPECT_GT((from_seconds(2592000) + from_seconds(kInf)).count(), 0);
}

}  // namespace
}  // namespace likesim
