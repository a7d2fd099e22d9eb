#include "workloads/hawkes_kernel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/core/random_stream.h"
#include "tests/unit/workloads/kernel_test_support.h"

namespace likesim {
namespace {

using kernel_test::kernels;
using kernel_test::ks_distance;
using kernel_test::kWeek;

TEST(HawkesKernel, SeismicPublishedConstantMakesTheUntruncatedKernelADensity) {
  // c s0 + c s0 / theta = 1 for the published c: with a horizon far out, the mass is ~1, and
  // the truncated kernel is phi / mass.
  const HawkesKernel k = HawkesKernel::seismic(6.265725e-4, 300, 0.2314843, 1e30);
  EXPECT_NEAR(k.pdf(100), 6.265725e-4, 1e-8);
  EXPECT_NEAR(k.cdf(300), 6.265725e-4 * 300, 1e-7);
  const HawkesKernel week = HawkesKernel::seismic(6.265725e-4, 300, 0.2314843, kWeek);
  // The plateau holds c s0 / mass of the week-truncated kernel.
  const double mass = 6.265725e-4 * 300 * (1 + (1 - std::pow(kWeek / 300, -0.2314843)) / 0.2314843);
  EXPECT_NEAR(week.cdf(300), 6.265725e-4 * 300 / mass, 1e-12);
  EXPECT_NEAR(week.pdf(600), 6.265725e-4 * std::pow(2.0, -1.2314843) / mass, 1e-15);
}

TEST(HawkesKernel, CdfIsOneAtTheHorizonAndZeroBeforeZero) {
  for (const HawkesKernel& k : kernels()) {
    EXPECT_EQ(k.cdf(-1), 0);
    EXPECT_EQ(k.cdf(0), 0);
    EXPECT_NEAR(k.cdf(k.horizon() * (1 - 1e-12)), 1, 1e-9);
    EXPECT_EQ(k.cdf(k.horizon() * 2), 1);
    EXPECT_EQ(k.pdf(k.horizon() * 2), 0);
    EXPECT_NEAR(k.inverse_cdf(1), k.horizon(), k.horizon() * 1e-9);
    EXPECT_EQ(k.inverse_cdf(0), 0);
  }
}

TEST(HawkesKernel, PdfIntegratesToTheCdf) {
  for (const HawkesKernel& k : kernels()) {
    // Trapezoids on a log grid from 1e-3 s to the horizon.
    double integral = k.pdf(0) * 1e-3, prev_s = 1e-3;
    for (int i = 1; i <= 200000; ++i) {
      const double s = 1e-3 * std::pow(k.horizon() / 1e-3, i / 200000.0);
      integral += 0.5 * (k.pdf(prev_s) + k.pdf(s)) * (s - prev_s);
      prev_s = s;
      if (i % 50000 == 0) {
        EXPECT_NEAR(integral, k.cdf(s), 2e-4) << s;
      }
    }
  }
}

TEST(HawkesKernel, InverseCdfInvertsTheCdf) {
  for (const HawkesKernel& k : kernels()) {
    double prev = -1;
    for (int i = 0; i <= 10000; ++i) {
      const double u = i / 10000.0;
      const double s = k.inverse_cdf(u);
      EXPECT_NEAR(k.cdf(s), u, 1e-12) << u;
      EXPECT_GE(s, prev);  // monotone
      prev = s;
    }
  }
}

TEST(HawkesKernel, DrawnDelaysPassAKolmogorovSmirnovTestAndAWrongKernelFailsIt) {
  constexpr int kDraws = 200000;
  const double critical = 1.95 / std::sqrt(kDraws);  // alpha = 0.001
  for (const HawkesKernel& k : kernels()) {
    RandomStream rng(11, "test.kernel");
    std::vector<double> draws(kDraws);
    for (double& d : draws) d = k.inverse_cdf(rng.uniform01());
    EXPECT_LT(ks_distance(draws, [&](double s) { return k.cdf(s); }), critical);
    // The planted bug: a kernel with theta 5 % off must be caught by the same test.
    const HawkesKernel wrong =
        k.is_seismic() ? HawkesKernel::seismic(k.c(), k.s0(), k.theta() * 1.05, k.horizon())
                       : HawkesKernel::power_law(k.c(), k.theta() * 1.05, k.horizon());
    if (k.is_seismic() && k.horizon() <= k.s0()) continue;  // no tail: theta plays no part
    EXPECT_GT(ks_distance(draws, [&](double s) { return wrong.cdf(s); }), critical);
  }
}

TEST(HawkesKernel, FromConfigPicksTheNamedKernel) {
  HawkesConfig c;
  c.kernel = "power_law";
  EXPECT_FALSE(HawkesKernel::from_config(c).is_seismic());
  EXPECT_DOUBLE_EQ(HawkesKernel::from_config(c).theta(), 1.338);
  c.kernel = "seismic";
  EXPECT_TRUE(HawkesKernel::from_config(c).is_seismic());
  EXPECT_DOUBLE_EQ(HawkesKernel::from_config(c).horizon(), kWeek);
}

}  // namespace
}  // namespace likesim
