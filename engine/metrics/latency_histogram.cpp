#include "engine/metrics/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace likesim {

LatencyHistogram::LatencyHistogram() {
  std::int64_t smallest_untrackable = kSubBucketCount;
  int buckets = 1;
  while (smallest_untrackable <= kHighest) {
    if (smallest_untrackable > INT64_MAX / 2) {
      ++buckets;
      break;
    }
    smallest_untrackable <<= 1;
    ++buckets;
  }
  counts_.assign(static_cast<std::size_t>((buckets + 1) * kSubBucketHalfCount), 0);
}

std::int64_t LatencyHistogram::value_from_index(std::size_t i) {
  std::int64_t bucket = static_cast<std::int64_t>(i >> kSubBucketHalfCountMagnitude) - 1;
  std::int64_t sub = static_cast<std::int64_t>(i & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub -= kSubBucketHalfCount;
    bucket = 0;
  }
  return sub << bucket;
}

std::int64_t LatencyHistogram::lowest_equivalent(std::int64_t v) const {
  const int b = bucket_index(v);
  return (v >> b) << b;
}

std::int64_t LatencyHistogram::highest_equivalent(std::int64_t v) const {
  const int b = bucket_index(v);
  return lowest_equivalent(v) + (std::int64_t{1} << b) - 1;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  assert(counts_.size() == other.counts_.size());
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_count_ += other.total_count_;
  overflow_ += other.overflow_;
  if (other.total_count_) {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  sum_ += other.sum_;
}

void LatencyHistogram::reset() {
  // Every non-zero count lies between min's and max's buckets: an interval recorder resets a
  // few cache lines, not 184 KiB.
  if (total_count_) {
    std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(index_of(min_)),
              counts_.begin() + static_cast<std::ptrdiff_t>(index_of(max_) + 1), 0);
  }
  total_count_ = overflow_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::mean() const {
  return total_count_ ? sum_ / static_cast<double>(total_count_) : 0.0;
}

std::int64_t LatencyHistogram::value_at_percentile(double p) const {
  std::int64_t out = 0;
  percentiles(std::span<const double>(&p, 1), std::span<std::int64_t>(&out, 1));
  return out;
}

void LatencyHistogram::percentiles(std::span<const double> ps, std::span<std::int64_t> out) const {
  assert(ps.size() == out.size());
  if (total_count_ == 0) {
    std::fill(out.begin(), out.end(), 0);
    return;
  }
  // The count at or below which percentile k is reached. Worked out once per percentile, not
  // once per bucket: a time series summarises a histogram every interval, and a second of
  // latency lies ~10 k buckets above the smallest value.
  const auto needed = [&](std::size_t k) {
    const double p = std::min(ps[k], 100.0);
    const auto n = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(total_count_) + 0.5);
    return std::max<std::uint64_t>(n, 1);
  };
  std::size_t k = 0;
  std::uint64_t need = ps.empty() ? 0 : needed(0);
  std::uint64_t seen = 0;
  for (std::size_t i = index_of(min_); i < counts_.size() && k < ps.size(); ++i) {
    seen += counts_[i];
    while (k < ps.size() && seen >= need) {
      out[k++] = std::min(highest_equivalent(value_from_index(i)), max_);
      if (k < ps.size()) need = needed(k);
    }
  }
  while (k < ps.size()) out[k++] = max_;
}

}  // namespace likesim
