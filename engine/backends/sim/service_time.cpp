#include "engine/backends/sim/service_time.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"

namespace likesim::sim {

double quantile_table_mean(std::span<const double> values) {
  // Over u uniform, the inverse CDF is linear on each [p_i, p_i+1]: its mean there is the
  // midpoint, weighted by the segment's probability.
  double mean = 0;
  for (std::size_t i = 0; i + 1 < kQuantilePoints.size() && i + 1 < values.size(); ++i) {
    mean += (kQuantilePoints[i + 1] - kQuantilePoints[i]) * (values[i] + values[i + 1]) / 2;
  }
  return mean;
}

absl::StatusOr<EmpiricalShape> EmpiricalShape::from_quantiles(std::span<const double> values) {
  if (values.size() != kQuantilePoints.size()) {
    return absl::InvalidArgumentError(
        "expected " + std::to_string(kQuantilePoints.size()) +
        " quantiles (min, p10, p25, p50, p75, p90, p95, p99, p99.9, max), got " +
        std::to_string(values.size()));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]) || values[i] < 0) {
      return absl::InvalidArgumentError("quantile " + std::to_string(i + 1) +
                                        " is not a finite number >= 0");
    }
    if (i > 0 && values[i] < values[i - 1]) {
      return absl::InvalidArgumentError("quantiles must never decrease (quantile " +
                                        std::to_string(i + 1) + " is below quantile " +
                                        std::to_string(i) + ")");
    }
  }
  const double mean = quantile_table_mean(values);
  if (!(mean > 0)) return absl::InvalidArgumentError("quantiles are all 0 (mean 0)");
  EmpiricalShape s;
  for (std::size_t i = 0; i < values.size(); ++i) s.q_[i] = values[i] / mean;
  s.present_ = true;
  return s;
}

double EmpiricalShape::at(double u) const {
  if (!present_) return 1.0;
  u = std::clamp(u, 0.0, 1.0);
  // The segment [p_i, p_i+1] holding u; the points are few, so a linear scan.
  std::size_t i = 0;
  while (i + 2 < kQuantilePoints.size() && u >= kQuantilePoints[i + 1]) ++i;
  const double p0 = kQuantilePoints[i], p1 = kQuantilePoints[i + 1];
  const double f = (u - p0) / (p1 - p0);
  return q_[i] + f * (q_[i + 1] - q_[i]);
}

}  // namespace likesim::sim
