// The calibration arithmetic on numbers worked out by hand (never copied from a run's output).
#include "engine/calibrate/calibration_math.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/calibrate/saturation.h"

namespace likesim {
namespace {

TEST(CalibrationMath, WalFlushIsTheSyncInsertMinusTheAsyncOne) {
  // 330 µs with synchronous_commit on, 45 µs off: the flush is the 285 µs between them.
  EXPECT_DOUBLE_EQ(wal_flush_us(330.0, 45.0), 285.0);
  // A noisy machine can measure "on" faster than "off": never a negative flush.
  EXPECT_DOUBLE_EQ(wal_flush_us(40.0, 45.0), 0.0);
}

TEST(CalibrationMath, CommitCpuIsTheAutocommitInsertMinusTheInTransactionOne) {
  EXPECT_DOUBLE_EQ(commit_cpu_us(52.5, 44.0), 8.5);
  EXPECT_DOUBLE_EQ(commit_cpu_us(40.0, 44.0), 0.0);
}

TEST(CalibrationMath, PerRowCostFromTwoCountSizes) {
  // 20 µs over 0 rows, 4,720 µs over 100,000 rows: 4,700 µs / 100,000 rows = 47 ns a row.
  EXPECT_DOUBLE_EQ(count_per_row_ns(20.0, 4720.0, 100000), 47.0);
  EXPECT_DOUBLE_EQ(count_per_row_ns(30.0, 20.0, 100000), 0.0);
  EXPECT_DOUBLE_EQ(count_per_row_ns(20.0, 4720.0, 0), 0.0);
}

TEST(CalibrationMath, RequestOverheadFromTheKnee) {
  // One key saturating at 50,000/s = 20 µs a request, of which the command is 0.6 µs.
  EXPECT_DOUBLE_EQ(request_overhead_us(50000.0, 0.6), 19.4);
  EXPECT_DOUBLE_EQ(request_overhead_us(0.0, 0.6), 0.0);
}

TEST(CalibrationMath, MedianOfThree) {
  EXPECT_DOUBLE_EQ(median_of_three(3, 1, 2), 2);
  EXPECT_DOUBLE_EQ(median_of_three(1, 2, 3), 2);
  EXPECT_DOUBLE_EQ(median_of_three(2, 3, 1), 2);
  EXPECT_DOUBLE_EQ(median_of_three(5, 5, 1), 5);
}

TEST(CalibrationMath, QuantilesInterpolateBetweenOrderStatistics) {
  // 11 samples 10, 20, ..., 110 (given shuffled): h = 10 p, so q(p) = 10 + 100 p.
  const std::vector<double> q = quantiles_at_points({110, 10, 60, 30, 90, 20, 50, 40, 100, 70, 80});
  const std::vector<double> expected = {10, 20, 35, 60, 85, 100, 105, 109, 109.9, 110};
  ASSERT_EQ(q.size(), expected.size());
  for (std::size_t i = 0; i < q.size(); ++i) EXPECT_NEAR(q[i], expected[i], 1e-9) << i;
  EXPECT_TRUE(quantiles_at_points({}).empty());
  // One sample: every quantile is it.
  for (double v : quantiles_at_points({7})) EXPECT_DOUBLE_EQ(v, 7);
}

TEST(CalibrationMath, ShiftedQuantilesKeepTheSpreadAndFloorAtZero) {
  const std::vector<double> q = {10, 20, 30};
  EXPECT_EQ(shifted_quantiles(q, 12), (std::vector<double>{0, 8, 18}));
}

TEST(CalibrationMath, DifferenceQuantilesNeverDecrease) {
  // 50-40 = 10, 60-55 = 5 -> held at 10, 90-60 = 30.
  const std::vector<double> longer = {50, 60, 90};
  const std::vector<double> rtt = {40, 55, 60};
  EXPECT_EQ(difference_quantiles(longer, rtt), (std::vector<double>{10, 10, 30}));
  const std::vector<double> below = {5, 6};
  const std::vector<double> above = {9, 9};
  EXPECT_EQ(difference_quantiles(below, above), (std::vector<double>{0, 0}));
}

TEST(CalibrationMath, KneeOnASyntheticServer) {
  // A server that keeps up to 73,000/s: doubling from 25,000 keeps 50,000 and fails 100,000;
  // 10 % steps from 50,000 keep 55,000, 60,500 and 66,550, and fail 73,205.
  std::vector<double> asked;
  const double knee = saturation_knee([&](double rate) {
    asked.push_back(rate);
    return rate <= 73000;
  });
  EXPECT_NEAR(knee, 66550, 1e-6);
  EXPECT_EQ(asked.size(), 7u);  // 25k, 50k, 100k, 55k, 60.5k, 66.55k, 73.205k
  // Nothing kept: 0.
  EXPECT_EQ(saturation_knee([](double) { return false; }), 0);
  // Kept up to just under twice the last doubling: the 10 % steps stop before 2x.
  EXPECT_NEAR(saturation_knee([](double r) { return r < 99999; }),
              50000 * 1.1 * 1.1 * 1.1 * 1.1 * 1.1 * 1.1 * 1.1, 1e-6);
}

TEST(CalibrationMath, IterationOverheadIsCpuPerRequestLessItsKnownCosts) {
  // 0.02 s of CPU over 1,000 requests = 20 µs each; 1.3 µs of request + command => 18.7.
  EXPECT_NEAR(iteration_overhead_us(0.02, 1000, 1.3), 18.7, 1e-9);
  EXPECT_DOUBLE_EQ(iteration_overhead_us(0.001, 1000, 1.3), 0.0);  // 1 µs < 1.3: floored
  EXPECT_DOUBLE_EQ(iteration_overhead_us(0.02, 0, 1.3), 0.0);      // nothing measured
  EXPECT_DOUBLE_EQ(iteration_overhead_us(-1, 1000, 1.3), 0.0);
}

TEST(CalibrationMath, ARowsWaitersAreServedInRandomOrderWhenP99IsFarAboveTheMean) {
  EXPECT_FALSE(served_in_random_order(std::vector<double>{1.05, 1.2}));  // request order
  EXPECT_TRUE(served_in_random_order(std::vector<double>{4.4, 5.7}));    // measured here
  EXPECT_FALSE(served_in_random_order(std::vector<double>{2.0, 3.0}));   // 2.5: below 2.8
  EXPECT_TRUE(served_in_random_order(std::vector<double>{2.5, 3.5}));    // 3.0
  EXPECT_FALSE(served_in_random_order(std::vector<double>{}));
}

}  // namespace
}  // namespace likesim
