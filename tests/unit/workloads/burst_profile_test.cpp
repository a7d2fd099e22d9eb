#include "workloads/burst_profile.h"

#include <gtest/gtest.h>

#include <cmath>

namespace likesim {
namespace {

TEST(BurstProfile, RateRampsHoldsAndDecays) {
  BurstProfile p(5, 10, 20, 4, 1000);
  EXPECT_EQ(p.rate_at(0), 0);
  EXPECT_EQ(p.rate_at(4.99), 0);
  EXPECT_DOUBLE_EQ(p.rate_at(10), 500);
  EXPECT_DOUBLE_EQ(p.rate_at(15), 1000);
  EXPECT_DOUBLE_EQ(p.rate_at(34.9), 1000);
  EXPECT_NEAR(p.rate_at(39), 1000 * std::exp(-1.0), 1e-9);
  EXPECT_DOUBLE_EQ(p.total(), 5000 + 20000 + 4000);
}

TEST(BurstProfile, TimeAtInvertsCumulative) {
  BurstProfile p(5, 10, 20, 4, 1000);
  for (double t : {5.0, 6.0, 9.5, 15.0, 20.0, 34.0, 35.0, 36.0, 50.0, 80.0}) {
    EXPECT_NEAR(p.time_at(p.cumulative(t)), t, 1e-6) << t;
  }
  EXPECT_TRUE(std::isinf(p.time_at(p.total())));
  EXPECT_TRUE(std::isinf(p.time_at(p.total() + 1)));
}

TEST(BurstProfile, NoRampNoDecay) {
  BurstProfile p(1, 0, 2, 0, 100);
  EXPECT_DOUBLE_EQ(p.rate_at(1), 100);
  EXPECT_EQ(p.rate_at(3.01), 0);
  EXPECT_DOUBLE_EQ(p.total(), 200);
  EXPECT_NEAR(p.time_at(50), 1.5, 1e-12);
}

}  // namespace
}  // namespace likesim
