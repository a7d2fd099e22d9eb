// What the kernel, delay-sampler and cascade tests share: the kernels they try, and the
// Kolmogorov-Smirnov distance of draws from a CDF with its 0.1 % critical value.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "workloads/hawkes_kernel.h"

namespace likesim::kernel_test {

constexpr double kWeek = 7 * 86400.0;

inline std::vector<HawkesKernel> kernels() {
  return {HawkesKernel::seismic(6.265725e-4, 300, 0.2314843, kWeek),
          HawkesKernel::power_law(250.7, 1.338, kWeek),
          HawkesKernel::seismic(6.265725e-4, 300, 0.2314843, 200),  // horizon inside the plateau
          HawkesKernel::power_law(30, 0.45, 86400)};
}

// The largest gap between the empirical CDF of `draws` and `cdf` (Kolmogorov-Smirnov D).
template <typename Cdf>
double ks_distance(std::vector<double> draws, Cdf cdf) {
  std::sort(draws.begin(), draws.end());
  const double n = static_cast<double>(draws.size());
  double d = 0;
  for (std::size_t i = 0; i < draws.size(); ++i) {
    const double f = cdf(draws[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

// D's 0.1 % critical value for n draws.
inline double ks_bound(std::size_t n) { return 1.95 / std::sqrt(static_cast<double>(n)); }

}  // namespace likesim::kernel_test
