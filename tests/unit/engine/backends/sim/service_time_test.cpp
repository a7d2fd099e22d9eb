// The empirical service-time distribution: validation of a quantile table, the inverse CDF,
// draws that reproduce the table, scaling to each command's mean, determinism.
#include "engine/backends/sim/service_time.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace likesim::sim {
namespace {

// A table shaped like a measured round trip: p99 ~3x p50, a long tail to the max.
const std::vector<double> kTable = {18, 20, 22, 25, 29, 35, 41, 75, 160, 400};

TEST(ServiceTime, TableMeanIsThePiecewiseLinearMean) {
  // Segments of width .1 .15 .25 .25 .15 .05 .04 .009 .001 with midpoints
  // 5 15 25 35 45 55 65 75 85: .5 + 2.25 + 6.25 + 8.75 + 6.75 + 2.75 + 2.6 + .675 + .085.
  const std::vector<double> linear = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90};
  EXPECT_NEAR(quantile_table_mean(linear), 30.61, 1e-9);
}

TEST(ServiceTime, ShapeIsNormalisedToMeanOneAndInterpolates) {
  auto shape = EmpiricalShape::from_quantiles(kTable);
  ASSERT_TRUE(shape.ok()) << shape.status().message();
  const double mean = quantile_table_mean(kTable);
  EXPECT_NEAR(shape->at(0.0), 18 / mean, 1e-12);
  EXPECT_NEAR(shape->at(0.5), 25 / mean, 1e-12);
  EXPECT_NEAR(shape->at(1.0), 400 / mean, 1e-12);
  // Halfway between p50 (25) and p75 (29): 27.
  EXPECT_NEAR(shape->at(0.625), 27 / mean, 1e-12);
  // Between p99.9 (160) and max (400): a tenth of the way is 184.
  EXPECT_NEAR(shape->at(0.9991), 184 / mean, 1e-9);
}

TEST(ServiceTime, DrawsReproduceTheTable) {
  auto shape = EmpiricalShape::from_quantiles(kTable);
  ASSERT_TRUE(shape.ok());
  const double mean_us = 7.5;  // any command's mean: the table gives only the shape
  const double scale = mean_us / quantile_table_mean(kTable);
  RandomStream rng(42, "test.service");
  constexpr int kDraws = 200000;
  std::vector<double> draws;
  for (int i = 0; i < kDraws; ++i) {
    draws.push_back(draw_service_us(ServiceDistribution::empirical, *shape, mean_us, rng));
  }
  // The fraction of draws at or below each table point is the point's probability, within
  // four standard errors of a binomial proportion.
  for (std::size_t i = 1; i + 1 < kQuantilePoints.size(); ++i) {
    const double p = kQuantilePoints[i];
    const double x = kTable[i] * scale;
    const double below = static_cast<double>(std::count_if(draws.begin(), draws.end(),
                                                           [&](double d) { return d <= x; })) /
                         kDraws;
    EXPECT_NEAR(below, p, 4 * std::sqrt(p * (1 - p) / kDraws)) << "point " << p;
  }
  // Bounded by the measured min and max.
  EXPECT_GE(*std::min_element(draws.begin(), draws.end()), kTable.front() * scale - 1e-9);
  EXPECT_LE(*std::max_element(draws.begin(), draws.end()), kTable.back() * scale + 1e-9);
  // The mean is the command's mean, within four standard errors.
  double sum = 0, sum2 = 0;
  for (double d : draws) {
    sum += d;
    sum2 += d * d;
  }
  const double m = sum / kDraws;
  const double sd = std::sqrt(sum2 / kDraws - m * m);
  EXPECT_NEAR(m, mean_us, 4 * sd / std::sqrt(kDraws));
}

TEST(ServiceTime, SameSeedSameDraws) {
  auto shape = EmpiricalShape::from_quantiles(kTable);
  ASSERT_TRUE(shape.ok());
  RandomStream a(7, "redis.rtt"), b(7, "redis.rtt"), c(8, "redis.rtt");
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const double x = draw_rtt_us(ServiceDistribution::empirical, *shape, 19.0, a);
    EXPECT_EQ(x, draw_rtt_us(ServiceDistribution::empirical, *shape, 19.0, b));
    differs |= x != draw_rtt_us(ServiceDistribution::empirical, *shape, 19.0, c);
  }
  EXPECT_TRUE(differs);
}

TEST(ServiceTime, DeterministicAndMissingShapesCostTheMean) {
  auto shape = EmpiricalShape::from_quantiles(kTable);
  ASSERT_TRUE(shape.ok());
  RandomStream rng(1, "t");
  EXPECT_EQ(draw_service_us(ServiceDistribution::deterministic, *shape, 3.0, rng), 3.0);
  EXPECT_EQ(draw_service_us(ServiceDistribution::empirical, EmpiricalShape{}, 3.0, rng), 3.0);
  // Round trips spread only under empirical (exponential has always been service-only).
  EXPECT_EQ(draw_rtt_us(ServiceDistribution::exponential, *shape, 19.0, rng), 19.0);
  EXPECT_EQ(draw_rtt_us(ServiceDistribution::empirical, EmpiricalShape{}, 19.0, rng), 19.0);
  // A draw helper that ignored the shape would return the mean every time.
  bool spread = false;
  for (int i = 0; i < 100; ++i) {
    spread |= draw_rtt_us(ServiceDistribution::empirical, *shape, 19.0, rng) != 19.0;
  }
  EXPECT_TRUE(spread);
}

TEST(ServiceTime, BadTablesAreRefused) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto refused = [](std::vector<double> v, const char* says) {
    auto s = EmpiricalShape::from_quantiles(v);
    EXPECT_FALSE(s.ok());
    if (!s.ok()) {
      EXPECT_NE(s.status().message().find(says), std::string::npos) << s.status();
    }
  };
  refused({}, "expected 10 quantiles");
  refused({1, 2, 3}, "got 3");
  refused({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "got 11");
  refused({1, 2, 3, 4, 5, 4, 7, 8, 9, 10}, "never decrease");
  refused({1, 2, 3, 4, 5, 6, 7, 8, 9, inf}, "finite");
  refused({1, 2, 3, 4, nan, 6, 7, 8, 9, 10}, "finite");
  refused({-1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ">= 0");
  refused({0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "mean 0");
  // Equal neighbours are fine (measured in whole microseconds they often are).
  EXPECT_TRUE(
      EmpiricalShape::from_quantiles(std::vector<double>{1, 1, 1, 2, 2, 3, 3, 5, 9, 9}).ok());
}

}  // namespace
}  // namespace likesim::sim
