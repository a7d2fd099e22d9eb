#include "engine/metrics/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/core/random_stream.h"

namespace likesim {
namespace {

// The exact value HdrHistogram's definition reports for percentile p of sorted `v`: the
// highest value equivalent to the smallest sample with at least p% of the samples at or
// below it (never above the recorded maximum).
std::int64_t expected(const LatencyHistogram& h, const std::vector<std::int64_t>& v, double p) {
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.5);
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return std::min(h.highest_equivalent(v[rank - 1]), v.back());
}

TEST(LatencyHistogram, PercentilesMatchExactSortedValues) {
  RandomStream rng(7, "test.histogram");
  LatencyHistogram h;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100000; ++i) {
    // Log-uniform over 1 µs .. 10 s: every bucket magnitude gets samples.
    const auto v = static_cast<std::int64_t>(std::exp(rng.uniform01() * std::log(1e7)));
    values.push_back(v);
    h.record_value(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const std::int64_t got = h.value_at_percentile(p);
    EXPECT_EQ(got, expected(h, values, p)) << "p" << p;
    // Three significant digits: within 0.1 % of the exact order statistic.
    const auto rank = static_cast<std::size_t>(std::max(1.0, p / 100.0 * 100000 + 0.5));
    EXPECT_LE(std::abs(got - values[rank - 1]), values[rank - 1] / 1000 + 1) << "p" << p;
  }
  EXPECT_EQ(h.value_at_percentile(100.0), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.total_count(), 100000u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::int64_t v = 0; v < 2048; ++v) h.record_value(v);
  for (std::int64_t v = 0; v < 2048; ++v) {
    EXPECT_EQ(h.lowest_equivalent(v), v);
    EXPECT_EQ(h.highest_equivalent(v), v);
  }
  EXPECT_EQ(h.value_at_percentile(50.0), 1023);
  EXPECT_DOUBLE_EQ(h.mean(), 1023.5);
}

TEST(LatencyHistogram, MergeEqualsRecordingBoth) {
  LatencyHistogram a, b, both;
  for (std::int64_t v : {3, 70, 5000, 123456}) {
    a.record_value(v);
    both.record_value(v);
  }
  for (std::int64_t v : {1, 9999999, 42}) {
    b.record_value(v, 2);
    both.record_value(v, 2);
  }
  a.merge(b);
  for (double p : {10.0, 50.0, 90.0, 100.0}) {
    EXPECT_EQ(a.value_at_percentile(p), both.value_at_percentile(p));
  }
  EXPECT_EQ(a.total_count(), 10u);
  EXPECT_EQ(a.min(), 1);
  EXPECT_EQ(a.max(), 9999999);
}

TEST(LatencyHistogram, ValuesBeyondAnHourAreClampedAndCounted) {
  LatencyHistogram h;
  h.record_value(LatencyHistogram::kHighest * 5);
  h.record_value(10);
  EXPECT_EQ(h.overflow(), 1u);
  EXPECT_EQ(h.max(), LatencyHistogram::kHighest);
  EXPECT_EQ(h.total_count(), 2u);
}

TEST(LatencyHistogram, EmptyGivesZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.value_at_percentile(99), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogram, DurationsRoundToTheNearestMicrosecond) {
  LatencyHistogram h;
  h.record(Duration(1499));
  h.record(Duration(1500));
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 2);
}

TEST(LatencyHistogram, ResetForgetsEverything) {
  LatencyHistogram h;
  for (std::int64_t v : {5, 700, 90000, 3000000}) h.record_value(v);
  h.record_value(LatencyHistogram::kHighest + 1);
  h.reset();
  EXPECT_EQ(h.total_count(), 0u);
  EXPECT_EQ(h.overflow(), 0u);
  EXPECT_EQ(h.value_at_percentile(100.0), 0);
  std::uint64_t buckets = 0;
  h.for_each_recorded([&](std::int64_t, std::int64_t, std::uint64_t) { ++buckets; });
  EXPECT_EQ(buckets, 0u);
  h.record_value(42);
  EXPECT_EQ(h.value_at_percentile(1.0), 42);
  EXPECT_EQ(h.value_at_percentile(100.0), 42);
  EXPECT_EQ(h.min(), 42);
}

TEST(LatencyHistogram, BatchPercentilesEqualSingleOnes) {
  RandomStream rng(11, "test.histogram.batch");
  LatencyHistogram h;
  for (int i = 0; i < 10000; ++i)
    h.record_value(static_cast<std::int64_t>(rng.exponential(5000.0)));
  static constexpr double kPs[] = {0.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0};
  std::int64_t out[std::size(kPs)];
  h.percentiles(kPs, out);
  for (std::size_t i = 0; i < std::size(kPs); ++i) {
    EXPECT_EQ(out[i], h.value_at_percentile(kPs[i])) << kPs[i];
  }
  EXPECT_EQ(out[0], h.min());  // p0: the smallest sample's bucket
  EXPECT_EQ(out[6], h.max());
}

TEST(LatencyHistogram, OverflowIsClampedCountedAndMerged) {
  LatencyHistogram a, b;
  a.record_value(LatencyHistogram::kHighest + 1, 3);
  b.record_value(LatencyHistogram::kHighest * 2);
  b.record_value(1);
  a.merge(b);
  EXPECT_EQ(a.overflow(), 4u);
  EXPECT_EQ(a.total_count(), 5u);
  EXPECT_EQ(a.value_at_percentile(50.0), LatencyHistogram::kHighest);
  EXPECT_EQ(a.value_at_percentile(1.0), 1);
}

}  // namespace
}  // namespace likesim
