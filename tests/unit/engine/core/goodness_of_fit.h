// Goodness-of-fit helpers for the random variate tests: a one-sample Kolmogorov–Smirnov
// statistic against an exact CDF, a chi-square statistic against exact probabilities, their
// critical values, and the standard errors that turn "the mean is right" into a tolerance
// derived from the sample size.
//
//   std::vector<double> x = draw(n);
//   EXPECT_LT(ks_statistic(x, [](double v) { return v; }), ks_critical(x.size(), 1e-3));
//   EXPECT_NEAR(mean_of(x), 0.5, 5 * std::sqrt(1.0 / 12 / n));
//
// The tests draw from fixed seeds, so each verdict is deterministic: a test that passes passes
// every time, and a wrong distribution fails with D or chi-square far above its critical value.
#pragma once

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <vector>

namespace likesim::testing {

// D = sup |F_n(x) - F(x)| of the sample against the continuous CDF `cdf`. Sorts `x`.
template <class Cdf>
double ks_statistic(std::vector<double>& x, Cdf cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max(d, static_cast<double>(i + 1) / n - f);
    d = std::max(d, f - static_cast<double>(i) / n);
  }
  return d;
}

// The asymptotic critical value of D at significance alpha (Kolmogorov's distribution:
// P(sqrt(n) D > c) ~ 2 exp(-2 c^2)); exact enough for n in the thousands and up.
inline double ks_critical(std::size_t n, double alpha) {
  return std::sqrt(-0.5 * std::log(alpha / 2.0)) / std::sqrt(static_cast<double>(n));
}

// Pearson's chi-square of observed counts against expected probabilities (which sum to 1).
inline double chi_square(const std::vector<std::uint64_t>& observed,
                         const std::vector<double>& probability) {
  assert(observed.size() == probability.size());
  std::uint64_t total = 0;
  for (std::uint64_t o : observed) total += o;
  double chi2 = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double e = probability[i] * static_cast<double>(total);
    const double diff = static_cast<double>(observed[i]) - e;
    chi2 += diff * diff / e;
  }
  return chi2;
}

// The chi-square quantile at 1 - 0.001 for `df` degrees of freedom, by Wilson and Hilferty's
// cube-root approximation: within 1 % of the table for df >= 3 (df = 9: 28.06 vs 27.88) and a
// little above it below that (df = 1: 11.16 vs 10.83), so it errs towards passing.
inline double chi_square_critical_0001(int df) {
  const double z = 3.090232;  // the standard normal's 0.999 quantile
  const double k = static_cast<double>(df);
  const double a = 2.0 / (9.0 * k);
  return k * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

inline double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

// The unbiased sample variance.
inline double variance_of(const std::vector<double>& x) {
  const double m = mean_of(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return s / static_cast<double>(x.size() - 1);
}

// Pearson's correlation of two equally long samples.
inline double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  assert(a.size() == b.size());
  const double ma = mean_of(a), mb = mean_of(b);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// Standard errors over n draws: of the mean, sigma / sqrt(n); of the sample variance,
// sqrt((mu4 - sigma^4) / n), mu4 being the fourth central moment.
inline double mean_standard_error(double variance, std::size_t n) {
  return std::sqrt(variance / static_cast<double>(n));
}
inline double variance_standard_error(double variance, double mu4, std::size_t n) {
  return std::sqrt((mu4 - variance * variance) / static_cast<double>(n));
}

}  // namespace likesim::testing
