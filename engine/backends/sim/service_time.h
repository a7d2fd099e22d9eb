// Service and round-trip times drawn for the simulated servers: the mean is each command's
// cost, the shape is either none (deterministic), exponential, or measured (empirical).
//
// An empirical shape comes from quantiles `likesim calibrate` measured on the real servers
// (`rtt_us_quantiles = [...]`, `service_quantiles = [...]` in a cost file, one value per point
// of kQuantilePoints). It is kept normalised to mean 1 and drawn by inverse CDF with linear
// interpolation between the points, then scaled to the command's mean: the measured spread
// survives, the mean per command stays the cost model's. So p99 can sit at 2-4x p50 as on the
// real servers, without moving any throughput the means were fitted to.
//
//   absl::StatusOr<EmpiricalShape> s = EmpiricalShape::from_quantiles({20, 22, ..., 300});
//   double us = draw_service_us(ServiceDistribution::empirical, *s, 1.3, rng);
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "engine/core/random_stream.h"

namespace likesim::sim {

enum class ServiceDistribution : std::uint8_t {
  deterministic,  // every operation costs exactly its mean
  exponential,    // exponential around the mean (M/M/1-style queues)
  empirical,      // the measured shape (rtt_us_quantiles, service_quantiles), scaled to the mean
};

// The cumulative probabilities at which quantiles are measured and written: min, p10, p25,
// p50, p75, p90, p95, p99, p99.9, max. Min and max bound the draws to what was observed.
inline constexpr std::array<double, 10> kQuantilePoints = {0.0,  0.10, 0.25, 0.50,  0.75,
                                                           0.90, 0.95, 0.99, 0.999, 1.0};

class EmpiricalShape {
 public:
  EmpiricalShape() = default;  // empty: no measured shape

  // From values at kQuantilePoints, in any unit. InvalidArgument (a message without a
  // location; the loader adds FILE:LINE and the key) unless there are exactly
  // kQuantilePoints.size() finite values >= 0, never decreasing, with a mean > 0.
  static absl::StatusOr<EmpiricalShape> from_quantiles(std::span<const double> values);

  bool empty() const { return !present_; }
  // The normalised inverse CDF at u in [0, 1] (mean 1 over u uniform).
  double at(double u) const;
  // One draw: at(uniform).
  double draw(RandomStream& rng) const { return at(rng.uniform01()); }

 private:
  std::array<double, kQuantilePoints.size()> q_{};
  bool present_ = false;
};

// Mean of the piecewise-linear inverse CDF through (kQuantilePoints[i], values[i]).
double quantile_table_mean(std::span<const double> values);

// A service time of mean `mean_us` under `d`; `shape` is used by `empirical` (no shape: the
// mean itself, as deterministic). Inline: a simulated command draws one or two.
inline double draw_service_us(ServiceDistribution d, const EmpiricalShape& shape, double mean_us,
                              RandomStream& rng) {
  switch (d) {
    case ServiceDistribution::deterministic:
      return mean_us;
    case ServiceDistribution::exponential:
      return rng.exponential(mean_us);
    case ServiceDistribution::empirical:
      return shape.empty() ? mean_us : mean_us * shape.draw(rng);
  }
  return mean_us;
}
// A round trip of mean `rtt_us`: drawn from `rtt_shape` under `empirical`, else the mean
// (exponential spreads service times only, as it always has).
inline double draw_rtt_us(ServiceDistribution d, const EmpiricalShape& rtt_shape, double rtt_us,
                          RandomStream& rng) {
  if (d != ServiceDistribution::empirical || rtt_shape.empty()) return rtt_us;
  return rtt_us * rtt_shape.draw(rng);
}

}  // namespace likesim::sim
