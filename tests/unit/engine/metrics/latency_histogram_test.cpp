#include "engine/metrics/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/core/random_stream.h"

namespace likesim {
namespace {

// Expected values here come from the bucket definition, worked by hand, never from the
// histogram's own index math. With 3 significant digits HdrHistogram's layout has 2048 sub-
// buckets: values 0..2047 are exact, and every value v >= 2048 lies in a bucket of width w, the
// power of two with 1024 w <= v < 2048 w, covering [floor(v / w) w, floor(v / w) w + w - 1]. So
// a bucket is never wider than v / 1024 (better than the 1/1000 that 3 digits promise).
//
// Percentile p of n samples is HdrHistogram's: rank r = max(1, floor(p / 100 * n + 0.5)) (its
// countAtPercentile, which rounds), and the value reported is the highest value in the bucket
// of the r-th smallest sample, but never above the recorded maximum.

// The exact order statistic for percentile p of sorted `v`, by that rank.
std::int64_t order_statistic(const std::vector<std::int64_t>& v, double p) {
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.5);
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}

TEST(LatencyHistogram, BucketEdgesFollowTheLogLinearLayout) {
  struct Edge {
    std::int64_t v, lowest, highest;
  };
  // Worked by hand: w = 1 below 2048; 2 in [2048, 4096); 4 in [4096, 8192); 8 from 8192;
  // 512 at 10^6 (1024 * 512 = 524,288 <= 10^6 < 1,048,576); 2^21 = 2,097,152 at 3 * 10^9
  // (1024 * 2^21 = 2,147,483,648 <= v < 4,294,967,296): floor(3e9 / 2^21) = 1430, and
  // floor(3.6e9 / 2^21) = 1716.
  const Edge edges[] = {
      {0, 0, 0},
      {1, 1, 1},
      {1023, 1023, 1023},
      {2047, 2047, 2047},
      {2048, 2048, 2049},
      {2049, 2048, 2049},
      {2050, 2050, 2051},
      {4095, 4094, 4095},
      {4096, 4096, 4099},
      {4099, 4096, 4099},
      {8191, 8188, 8191},
      {8192, 8192, 8199},
      {10000, 10000, 10007},
      {1'000'000, 999'936, 1'000'447},
      {3'000'000'000, 1430ll * 2'097'152, 1431ll * 2'097'152 - 1},
      {LatencyHistogram::kHighest, 1716ll * 2'097'152, 1717ll * 2'097'152 - 1},
  };
  LatencyHistogram h;
  for (const Edge& e : edges) {
    EXPECT_EQ(h.lowest_equivalent(e.v), e.lowest) << e.v;
    EXPECT_EQ(h.highest_equivalent(e.v), e.highest) << e.v;
  }
  // Recorded, each lands in its own bucket with those edges.
  for (const Edge& e : edges) h.record_value(e.v);
  std::vector<std::pair<std::int64_t, std::int64_t>> buckets;
  h.for_each_recorded([&](std::int64_t lo, std::int64_t hi, std::uint64_t count) {
    buckets.emplace_back(lo, hi);
    EXPECT_EQ(count, lo == 2048 || lo == 4096 ? 2u : 1u) << lo;  // 2048+2049, 4096+4099
  });
  std::vector<std::pair<std::int64_t, std::int64_t>> expected;
  for (const Edge& e : edges) {
    if (expected.empty() || expected.back().first != e.lowest) {
      expected.emplace_back(e.lowest, e.highest);
    }
  }
  EXPECT_EQ(buckets, expected);
}

TEST(LatencyHistogram, NoBucketIsWiderThanAThousandthOfItsValues) {
  LatencyHistogram h;
  // Every power of two and its neighbours, up to the top of the range.
  for (std::int64_t p = 1; p <= LatencyHistogram::kHighest; p *= 2) {
    for (std::int64_t v : {p - 1, p, p + 1, p + p / 3}) {
      if (v < 0 || v > LatencyHistogram::kHighest) continue;
      const std::int64_t lo = h.lowest_equivalent(v), hi = h.highest_equivalent(v);
      EXPECT_LE(lo, v);
      EXPECT_GE(hi, v);
      EXPECT_LE(hi - lo, v / 1024) << v;  // 0 below 2048: exact
    }
  }
}

TEST(LatencyHistogram, OneToAThousandMicrosecondsIsExact) {
  LatencyHistogram h;
  for (std::int64_t v = 1000; v >= 1; --v) h.record_value(v);  // order must not matter
  // Rank r of 1..1000 is the value r itself: p50 -> 500, p99.9 -> 999, p99.95 -> rank
  // floor(999.5 + 0.5) = 1000.
  const std::pair<double, std::int64_t> expected[] = {
      {0.0, 1},    {0.1, 1},    {1.0, 10},   {25.0, 250},   {50.0, 500},
      {90.0, 900}, {99.0, 990}, {99.9, 999}, {99.95, 1000}, {100.0, 1000}};
  for (const auto& [p, v] : expected) EXPECT_EQ(h.value_at_percentile(p), v) << "p" << p;
  EXPECT_EQ(h.total_count(), 1000u);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 1000);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);
  EXPECT_EQ(h.overflow(), 0u);
}

TEST(LatencyHistogram, PercentilesReportTheTopOfTheSamplesBucket) {
  LatencyHistogram h;
  for (std::int64_t v : {10000, 4097, 2048, 4096}) h.record_value(v);
  // Sorted 2048, 4096, 4097, 10000. p1: rank max(1, 0) = 1; p25: floor(1.5) = 1 -> 2048's
  // bucket tops at 2049; p50: rank 2 -> 4096's bucket [4096, 4099]; p75: rank 3 -> 4097, same
  // bucket; p100: 10000's bucket tops at 10007, but the maximum recorded is 10000.
  EXPECT_EQ(h.value_at_percentile(1.0), 2049);
  EXPECT_EQ(h.value_at_percentile(25.0), 2049);
  EXPECT_EQ(h.value_at_percentile(50.0), 4099);
  EXPECT_EQ(h.value_at_percentile(75.0), 4099);
  EXPECT_EQ(h.value_at_percentile(100.0), 10000);
  EXPECT_EQ(h.min(), 2048);
  EXPECT_EQ(h.max(), 10000);
  EXPECT_DOUBLE_EQ(h.mean(), 20241.0 / 4);
}

TEST(LatencyHistogram, TheHighestBucketsKeepTheirResolution) {
  LatencyHistogram h;
  h.record_value(3'000'000'000);
  h.record_value(LatencyHistogram::kHighest);
  // p50: rank 1 -> 3e9's bucket tops at 1431 * 2^21 - 1 = 3,001,024,511 (0.034 % above it).
  EXPECT_EQ(h.value_at_percentile(50.0), 3'001'024'511);
  EXPECT_EQ(h.value_at_percentile(100.0), 3'600'000'000);
  EXPECT_EQ(h.overflow(), 0u);
  h.record_value(5'000'000'000);  // above the range: clamped to the top, counted
  EXPECT_EQ(h.overflow(), 1u);
  EXPECT_EQ(h.max(), 3'600'000'000);
  EXPECT_EQ(h.value_at_percentile(100.0), 3'600'000'000);
  EXPECT_DOUBLE_EQ(h.mean(), (3e9 + 3.6e9 + 3.6e9) / 3);
}

// Over a log-uniform sample every percentile lies in [x, x + x / 1024], x the exact order
// statistic: never below it (the bucket's top is reported) and within the resolution above.
TEST(LatencyHistogram, PercentilesAreWithinTheResolutionOfTheExactOrderStatistic) {
  RandomStream rng(7, "test.histogram");
  LatencyHistogram h;
  std::vector<std::int64_t> values;
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    // Log-uniform over 1 µs .. 1000 s: every bucket magnitude gets samples.
    const auto v = static_cast<std::int64_t>(std::exp(rng.uniform01() * std::log(1e9)));
    values.push_back(v);
    sum += static_cast<double>(v);
    h.record_value(v);
  }
  std::sort(values.begin(), values.end());
  for (double p = 0.5; p <= 100.0; p += 0.5) {
    const std::int64_t x = order_statistic(values, p);
    const std::int64_t got = h.value_at_percentile(p);
    EXPECT_GE(got, x) << "p" << p;
    EXPECT_LE(got, x + x / 1024) << "p" << p;
  }
  for (double p : {99.9, 99.99, 99.999}) {
    const std::int64_t x = order_statistic(values, p);
    EXPECT_GE(h.value_at_percentile(p), x) << "p" << p;
    EXPECT_LE(h.value_at_percentile(p), x + x / 1024) << "p" << p;
  }
  EXPECT_EQ(h.value_at_percentile(100.0), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.total_count(), 100000u);
  EXPECT_DOUBLE_EQ(h.mean(), sum / 100000);  // integers below 2^53: the sum is exact
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

// Merging equals recording everything in one histogram: the same buckets with the same counts,
// so the same percentiles, count, min, max, mean and overflow.
TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
  RandomStream rng(5, "test.histogram.merge");
  LatencyHistogram a, b, both;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<std::int64_t>(rng.exponential(3000.0));
    a.record_value(v);
    both.record_value(v);
  }
  for (int i = 0; i < 5000; ++i) {
    const auto v = static_cast<std::int64_t>(rng.pareto(100.0, 1.2));
    const std::uint64_t n = 1 + rng.uniform_int(3);
    b.record_value(v, n);
    both.record_value(v, n);
  }
  b.record_value(LatencyHistogram::kHighest + 7, 2);
  both.record_value(LatencyHistogram::kHighest + 7, 2);
  const std::uint64_t count_a = a.total_count(), count_b = b.total_count();
  a.merge(b);

  using Bucket = std::tuple<std::int64_t, std::int64_t, std::uint64_t>;
  std::vector<Bucket> merged, recorded;
  a.for_each_recorded(
      [&](std::int64_t lo, std::int64_t hi, std::uint64_t n) { merged.emplace_back(lo, hi, n); });
  both.for_each_recorded(
      [&](std::int64_t lo, std::int64_t hi, std::uint64_t n) { recorded.emplace_back(lo, hi, n); });
  EXPECT_EQ(merged, recorded);
  for (double p = 0.0; p <= 100.0; p += 0.25) {
    EXPECT_EQ(a.value_at_percentile(p), both.value_at_percentile(p)) << "p" << p;
  }
  EXPECT_EQ(a.total_count(), count_a + count_b);
  EXPECT_EQ(a.total_count(), both.total_count());
  EXPECT_EQ(a.min(), both.min());
  EXPECT_EQ(a.max(), LatencyHistogram::kHighest);
  EXPECT_EQ(a.overflow(), 2u);
  EXPECT_DOUBLE_EQ(a.mean(), both.mean());
}

TEST(LatencyHistogram, MergingIntoAnEmptyHistogramKeepsMinAndMax) {
  LatencyHistogram empty, b;
  for (std::int64_t v : {3, 70, 5000, 123456}) b.record_value(v);
  empty.merge(b);
  EXPECT_EQ(empty.min(), 3);
  EXPECT_EQ(empty.max(), 123456);
  EXPECT_EQ(empty.total_count(), 4u);
  EXPECT_DOUBLE_EQ(empty.mean(), (3 + 70 + 5000 + 123456) / 4.0);
  LatencyHistogram none;
  b.merge(none);  // an empty one changes nothing
  EXPECT_EQ(b.min(), 3);
  EXPECT_EQ(b.total_count(), 4u);
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
