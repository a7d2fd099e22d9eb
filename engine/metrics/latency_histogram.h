// LatencyHistogram: HdrHistogram's log-linear layout in one C++ class.
//
// Values are microseconds from 1 µs to 1 hour at 3 significant digits: one flat array of
// 23,552 counts (~184 KiB), O(1) record (highest bit + shift + add), mergeable, percentiles by
// one pass. Values above the range are clamped to the top and counted in overflow(), never
// dropped. Who uses it: per-operation latency in the runner, lock waits in the simulated
// PostgreSQL, staleness in the oracle.
//
//   LatencyHistogram h;
//   h.record(from_micros(250));          // or h.record_value(250)
//   std::int64_t p99 = h.value_at_percentile(99.0);     // µs
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/sim_time.h"

namespace likesim {

class LatencyHistogram {
 public:
  static constexpr std::int64_t kLowest = 1;
  static constexpr std::int64_t kHighest = 3'600'000'000;  // 1 hour in µs
  static constexpr int kSignificantDigits = 3;

  LatencyHistogram();

  // Records a value in µs (negative values count as 0). Inline, with the layout's constants
  // known at compile time: a request records five or six values.
  void record_value(std::int64_t us, std::uint64_t count = 1) {
    if (us < 0) us = 0;
    if (us > kHighest) {
      overflow_ += count;
      us = kHighest;
    }
    counts_[index_of(us)] += count;
    total_count_ += count;
    min_ = us < min_ ? us : min_;
    max_ = us > max_ ? us : max_;
    sum_ += static_cast<double>(us) * static_cast<double>(count);
  }
  // Records a duration, rounded to the nearest µs.
  void record(Duration d, std::uint64_t count = 1) {
    record_value((d.count() + 500) / 1000, count);
  }
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t total_count() const { return total_count_; }
  std::uint64_t overflow() const { return overflow_; }
  std::int64_t min() const { return total_count_ ? min_ : 0; }
  std::int64_t max() const { return total_count_ ? max_ : 0; }
  double mean() const;

  // HdrHistogram's definition: the highest value equivalent to the smallest recorded value
  // with at least p% of the samples at or below it. 0 when empty.
  std::int64_t value_at_percentile(double p) const;
  // Several percentiles (ascending) in one pass, without allocating.
  void percentiles(std::span<const double> ps, std::span<std::int64_t> out) const;

  // Calls fn(lowest_equivalent_value, highest_equivalent_value, count) for every non-empty
  // bucket, in ascending order (for exports and the dashboard's bins).
  template <class Fn>
  void for_each_recorded(Fn&& fn) const {
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      if (counts_[i] == 0) continue;
      const std::int64_t v = value_from_index(i);
      fn(lowest_equivalent(v), highest_equivalent(v), counts_[i]);
    }
  }

  // The range of values that share v's bucket.
  std::int64_t lowest_equivalent(std::int64_t v) const;
  std::int64_t highest_equivalent(std::int64_t v) const;

 private:
  // As hdr_calculate_bucket_config with unit magnitude 0 (lowest = 1): 2048 sub-buckets.
  static constexpr std::int64_t kLargestSingleUnit = [] {
    std::int64_t p = 2;
    for (int i = 0; i < kSignificantDigits; ++i) p *= 10;
    return p;
  }();
  // ceil(log2(kLargestSingleUnit)) - 1
  static constexpr int kSubBucketHalfCountMagnitude =
      std::max(static_cast<int>(std::bit_width(static_cast<std::uint64_t>(kLargestSingleUnit - 1))),
               1) -
      1;
  static constexpr std::int64_t kSubBucketCount = std::int64_t{1}
                                                  << (kSubBucketHalfCountMagnitude + 1);
  static constexpr std::int64_t kSubBucketHalfCount = kSubBucketCount / 2;
  static constexpr std::int64_t kSubBucketMask = kSubBucketCount - 1;

  static int bucket_index(std::int64_t v) {
    const int pow2ceiling = 64 - std::countl_zero(static_cast<std::uint64_t>(v | kSubBucketMask));
    return pow2ceiling - (kSubBucketHalfCountMagnitude + 1);
  }
  static std::size_t index_of(std::int64_t v) {
    const int b = bucket_index(v);
    const std::int64_t sub = v >> b;
    return static_cast<std::size_t>(
        ((static_cast<std::int64_t>(b) + 1) << kSubBucketHalfCountMagnitude) +
        (sub - kSubBucketHalfCount));
  }
  static std::int64_t value_from_index(std::size_t i);

  std::vector<std::uint64_t> counts_;
  std::uint64_t total_count_ = 0;
  std::uint64_t overflow_ = 0;
  std::int64_t min_ = INT64_MAX;
  std::int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace likesim
