// RandomStream's continuous and integer variates against their exact distributions, and the
// independence of named streams. Each distribution gets its moments checked within 5 standard
// errors of the exact values (the tolerance follows from the sample size) and a one-sample
// Kolmogorov–Smirnov test against its exact CDF at alpha = 0.001 (discrete ones: chi-square
// against the exact pmf). Seeds are fixed, so every verdict is deterministic. Zipf is in
// zipf_distribution_test.cpp.
#include "engine/core/random_stream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/engine/core/goodness_of_fit.h"

namespace likesim {
namespace {

using testing::chi_square;
using testing::chi_square_critical_0001;
using testing::correlation;
using testing::ks_critical;
using testing::ks_statistic;
using testing::mean_of;
using testing::mean_standard_error;
using testing::variance_of;
using testing::variance_standard_error;

constexpr std::size_t kDraws = 200'000;
constexpr double kAlpha = 1e-3;
constexpr double kSigmas = 5.0;

template <class Draw>
std::vector<double> sample(std::size_t n, Draw draw) {
  std::vector<double> x(n);
  for (double& v : x) v = draw();
  return x;
}

// Mean and variance within kSigmas standard errors of the exact values.
void expect_moments(const std::vector<double>& x, double mean, double variance, double mu4) {
  EXPECT_NEAR(mean_of(x), mean, kSigmas * mean_standard_error(variance, x.size()));
  EXPECT_NEAR(variance_of(x), variance, kSigmas * variance_standard_error(variance, mu4, x.size()));
}

template <class Cdf>
void expect_ks_passes(std::vector<double> x, Cdf cdf) {
  const double d = ks_statistic(x, cdf);
  EXPECT_LT(d, ks_critical(x.size(), kAlpha)) << "KS statistic D = " << d;
}

TEST(RandomStream, Uniform01HasTheUniformMomentsAndCdfOnTheHalfOpenInterval) {
  RandomStream rng(1, "test.uniform01");
  const std::vector<double> x = sample(kDraws, [&] { return rng.uniform01(); });
  for (double v : x) ASSERT_TRUE(v >= 0.0 && v < 1.0) << v;
  expect_moments(x, 0.5, 1.0 / 12, 1.0 / 80);
  expect_ks_passes(x, [](double v) { return v; });
}

TEST(RandomStream, Uniform01OpenLowNeverGivesZeroAndIsUniform) {
  RandomStream rng(2, "test.uniform01_open_low");
  const std::vector<double> x = sample(kDraws, [&] { return rng.uniform01_open_low(); });
  for (double v : x) ASSERT_TRUE(v > 0.0 && v <= 1.0) << v;
  expect_moments(x, 0.5, 1.0 / 12, 1.0 / 80);
  expect_ks_passes(x, [](double v) { return v; });
}

TEST(RandomStream, UniformIntIsUniformOverEveryValue) {
  RandomStream rng(3, "test.uniform_int");
  constexpr std::uint64_t n = 10;
  std::vector<std::uint64_t> counts(n, 0);
  std::vector<double> x(kDraws);
  for (double& v : x) {
    const std::uint64_t k = rng.uniform_int(n);
    ASSERT_LT(k, n);
    ++counts[k];
    v = static_cast<double>(k);
  }
  EXPECT_LT(chi_square(counts, std::vector<double>(n, 1.0 / n)), chi_square_critical_0001(n - 1));
  const double nd = static_cast<double>(n);
  expect_moments(x, (nd - 1) / 2, (nd * nd - 1) / 12, (nd * nd - 1) * (3 * nd * nd - 7) / 240);
}

// n = 3 * 2^62: a bare multiply-shift maps four 64-bit inputs onto three outputs, so outputs
// divisible by 3 would come up half the time instead of a third. Only the rejection step
// (Lemire's threshold) makes the residues uniform.
TEST(RandomStream, UniformIntRejectsTheBiasOfALargeRange) {
  RandomStream rng(4, "test.uniform_int.large");
  const std::uint64_t n = 3ull << 62;
  std::vector<std::uint64_t> residues(3, 0);
  for (std::size_t i = 0; i < kDraws; ++i) {
    const std::uint64_t k = rng.uniform_int(n);
    ASSERT_LT(k, n);
    ++residues[k % 3];
  }
  EXPECT_LT(chi_square(residues, {1.0 / 3, 1.0 / 3, 1.0 / 3}), chi_square_critical_0001(2))
      << residues[0] << " " << residues[1] << " " << residues[2];
}

TEST(RandomStream, UniformIntOfOneIsAlwaysZero) {
  RandomStream rng(5, "test.uniform_int.one");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng.uniform_int(1), 0u);
}

TEST(RandomStream, BernoulliHitsWithProbabilityP) {
  for (double p : {0.01, 0.3, 0.5, 0.9}) {
    RandomStream rng(6, "test.bernoulli");
    std::vector<double> x = sample(kDraws, [&] { return rng.bernoulli(p) ? 1.0 : 0.0; });
    EXPECT_NEAR(mean_of(x), p, kSigmas * mean_standard_error(p * (1 - p), x.size())) << p;
  }
  RandomStream rng(7, "test.bernoulli.edges");
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(rng.bernoulli(0.0));
    ASSERT_TRUE(rng.bernoulli(1.0));
  }
}

TEST(RandomStream, ExponentialHasItsMomentsAndCdf) {
  for (double mu : {0.001, 1.0, 2.5, 1e6}) {
    SCOPED_TRACE(mu);
    RandomStream rng(8, "test.exponential");
    const std::vector<double> x = sample(kDraws, [&] { return rng.exponential(mu); });
    for (double v : x) ASSERT_TRUE(v >= 0 && std::isfinite(v)) << v;
    // Variance mu^2, fourth central moment 9 mu^4.
    expect_moments(x, mu, mu * mu, 9 * mu * mu * mu * mu);
    expect_ks_passes(x, [mu](double v) { return 1.0 - std::exp(-v / mu); });
  }
}

// The Duration overload truncates to whole nanoseconds: at a 1 ms mean that shifts the mean by
// half a nanosecond and the CDF by at most 1e-6, far inside the tolerances.
TEST(RandomStream, ExponentialDurationHasTheExponentialDistributionInNanoseconds) {
  RandomStream rng(9, "test.exponential.duration");
  const double mu = 1e6;
  const std::vector<double> x =
      sample(kDraws, [&] { return static_cast<double>(rng.exponential(Duration(1ms)).count()); });
  expect_moments(x, mu, mu * mu, 9 * mu * mu * mu * mu);
  expect_ks_passes(x, [mu](double v) { return 1.0 - std::exp(-v / mu); });
}

// Pareto(x_m, alpha): P(X > x) = (x_m / x)^alpha for x >= x_m; E[X^k] = alpha x_m^k / (alpha - k)
// for k < alpha. The KS test covers shapes without a mean (0.8) or a variance (1.5); the
// moments are checked where the standard errors they need exist (mean: alpha > 2; variance:
// alpha > 4). log(X / x_m) is exponential with mean 1 / alpha for every shape.
double pareto_raw_moment(double x_m, double alpha, int k) {
  return alpha * std::pow(x_m, k) / (alpha - k);
}

TEST(RandomStream, ParetoHasItsCdfForEveryShape) {
  const double x_m = 2.0;
  for (double alpha : {0.8, 1.5, 3.0, 5.0}) {
    SCOPED_TRACE(alpha);
    RandomStream rng(10, "test.pareto");
    const std::vector<double> x = sample(kDraws, [&] { return rng.pareto(x_m, alpha); });
    for (double v : x) ASSERT_GE(v, x_m);
    expect_ks_passes(x, [=](double v) { return 1.0 - std::pow(x_m / v, alpha); });
    std::vector<double> logs(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) logs[i] = std::log(x[i] / x_m);
    const double m = 1.0 / alpha;
    expect_moments(logs, m, m * m, 9 * m * m * m * m);
  }
}

TEST(RandomStream, ParetoHasItsMeanAndVariance) {
  const double x_m = 2.0;
  {
    const double alpha = 3.0;  // finite variance: the mean's standard error exists
    RandomStream rng(11, "test.pareto.mean");
    const std::vector<double> x = sample(kDraws, [&] { return rng.pareto(x_m, alpha); });
    const double mean = pareto_raw_moment(x_m, alpha, 1);
    const double variance = pareto_raw_moment(x_m, alpha, 2) - mean * mean;
    EXPECT_NEAR(mean_of(x), mean, kSigmas * mean_standard_error(variance, x.size()));
  }
  {
    const double alpha = 6.0;  // finite fourth moment: the variance's standard error exists
    RandomStream rng(12, "test.pareto.variance");
    const std::vector<double> x = sample(kDraws, [&] { return rng.pareto(x_m, alpha); });
    const double e1 = pareto_raw_moment(x_m, alpha, 1), e2 = pareto_raw_moment(x_m, alpha, 2);
    const double e3 = pareto_raw_moment(x_m, alpha, 3), e4 = pareto_raw_moment(x_m, alpha, 4);
    const double variance = e2 - e1 * e1;
    const double mu4 = e4 - 4 * e1 * e3 + 6 * e1 * e1 * e2 - 3 * e1 * e1 * e1 * e1;
    expect_moments(x, e1, variance, mu4);
  }
}

// ---- Named streams ----

std::vector<double> uniforms(RandomStream rng, std::size_t n) {
  return sample(n, [&] { return rng.uniform01(); });
}

TEST(RandomStream, TheSameSeedAndNameGiveTheSameSequence) {
  RandomStream a(42, "workload.arrivals"), b(42, std::string("workload.") + "arrivals");
  for (int i = 0; i < 100'000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64()) << i;
}

// Different names (or seeds) must give sequences that look independent: correlation within
// 5 standard errors (1 / sqrt(n)) of 0 at lags 0..3, and no shared 64-bit value among the
// first 10,000 draws (a stream that is another one shifted by a few draws would share nearly
// all of them).
void expect_independent(RandomStream a, RandomStream b) {
  constexpr std::size_t n = 100'000;
  const std::vector<double> x = uniforms(a, n + 3), y = uniforms(b, n + 3);
  for (std::size_t lag = 0; lag <= 3; ++lag) {
    const std::vector<double> xs(x.begin(), x.begin() + n);
    const std::vector<double> ys(y.begin() + static_cast<std::ptrdiff_t>(lag),
                                 y.begin() + static_cast<std::ptrdiff_t>(lag + n));
    EXPECT_NEAR(correlation(xs, ys), 0.0, kSigmas / std::sqrt(static_cast<double>(n)))
        << "lag " << lag;
  }
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10'000; ++i) seen.insert(a.next_u64());
  int shared = 0;
  for (int i = 0; i < 10'000; ++i) shared += seen.contains(b.next_u64());
  EXPECT_EQ(shared, 0);
}

TEST(RandomStream, StreamsWithDifferentNamesAreIndependent) {
  expect_independent(RandomStream(42, "workload.arrivals"), RandomStream(42, "workload.posts"));
  // Names one character apart, and names that are prefixes of one another.
  expect_independent(RandomStream(42, "node.0"), RandomStream(42, "node.1"));
  expect_independent(RandomStream(42, "a"), RandomStream(42, "ab"));
  expect_independent(RandomStream(42, ""), RandomStream(42, "a"));
}

TEST(RandomStream, StreamsWithDifferentSeedsAreIndependent) {
  expect_independent(RandomStream(1, "workload.arrivals"), RandomStream(2, "workload.arrivals"));
  expect_independent(RandomStream(0, "x"), RandomStream(1ull << 63, "x"));
}

TEST(RandomStream, AStreamsSequenceDoesNotDependOnDrawsFromAnother) {
  RandomStream alone(7, "component.a");
  std::vector<std::uint64_t> expected(10'000);
  for (std::uint64_t& v : expected) v = alone.next_u64();

  RandomStream a(7, "component.a"), b(7, "component.b");
  RandomStream b2(7, "component.a");  // same name as a, separately constructed
  for (std::size_t i = 0; i < expected.size(); ++i) {
    for (std::size_t j = 0; j < i % 7; ++j) {
      (void)b.next_u64();
      (void)b.exponential(3.0);
      (void)b2.uniform01();
    }
    ASSERT_EQ(a.next_u64(), expected[i]) << i;
  }
}

// Every variate consumes draws only from the stream it is called on: two streams fed the same
// calls stay in lockstep, whatever else is drawn in between from a third.
TEST(RandomStream, VariatesAdvanceOnlyTheirOwnStream) {
  RandomStream a(9, "s"), b(9, "s"), other(9, "t");
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(a.uniform_int(1000), b.uniform_int(1000));
    (void)other.pareto(1.0, 1.5);
    ASSERT_EQ(a.exponential(2.0), b.exponential(2.0));
    (void)other.uniform_int(3ull << 62);
    ASSERT_EQ(a.bernoulli(0.3), b.bernoulli(0.3));
  }
}

}  // namespace
}  // namespace likesim
