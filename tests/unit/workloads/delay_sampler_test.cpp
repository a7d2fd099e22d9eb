#include "workloads/delay_sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/core/random_stream.h"
#include "tests/unit/workloads/kernel_test_support.h"

namespace likesim {
namespace {

using kernel_test::kernels;
using kernel_test::ks_bound;
using kernel_test::ks_distance;
using kernel_test::kWeek;
constexpr double kPieces = DelaySampler::kPieces;
using Kind = DelaySampler::PieceKind;

TEST(DelaySampler, DrawsFollowTheKernel) {
  for (const HawkesKernel& k : kernels()) {
    const DelaySampler delays(k);
    RandomStream rng(7, "delays");
    std::vector<double> draws(400'000);
    for (double& s : draws) {
      s = delays.draw(rng);
      ASSERT_GE(s, 0);
      ASSERT_LE(s, k.horizon());
    }
    EXPECT_LT(ks_distance(draws, [&](double s) { return k.cdf(s); }), ks_bound(draws.size()))
        << "horizon " << k.horizon();
  }
}

// Inside one piece a draw must follow the kernel conditioned on the piece, whatever the piece's
// kind: a flat or tangent shortcut that kept the wrong points would bend it. For each kind the
// steepest piece of that kind is checked, where a wrong shortcut shows most.
TEST(DelaySampler, InsideEachKindOfPieceADrawFollowsTheKernelThere) {
  for (const HawkesKernel& k : kernels()) {
    const DelaySampler delays(k);
    for (const Kind kind : {Kind::flat, Kind::rejection, Kind::inverse_cdf}) {
      // The piece of this kind with the largest density ratio across it.
      int piece = -1;
      double steepest = 0;
      for (int i = 0; i < DelaySampler::kPieces; ++i) {
        if (delays.kind(static_cast<std::uint32_t>(i)) != kind) continue;
        const double a = k.inverse_cdf(i / kPieces), b = k.inverse_cdf((i + 1) / kPieces);
        const double ratio = k.pdf(std::nextafter(a, b)) / k.pdf(b);
        if (piece < 0 || ratio > steepest) piece = i, steepest = ratio;
      }
      if (piece < 0) continue;  // e.g. no flat piece in a power law
      RandomStream rng(11, "piece");
      std::vector<double> draws(200'000);
      for (double& s : draws)
        s = delays.draw_in(static_cast<std::uint32_t>(piece), rng.uniform01(), rng);
      const double below = piece / kPieces;
      EXPECT_LT(ks_distance(draws, [&](double s) { return (k.cdf(s) - below) * kPieces; }),
                ks_bound(draws.size()))
          << "horizon " << k.horizon() << ", piece " << piece << " of kind "
          << static_cast<int>(kind) << ", density ratio " << steepest;
    }
  }
}

TEST(DelaySampler, SeismicPlateauIsFlatAndTheKneeTakesTheInverseCdf) {
  const HawkesKernel k = HawkesKernel::seismic(6.265725e-4, 300, 0.2314843, kWeek);
  const DelaySampler delays(k);
  const auto knee = static_cast<std::uint32_t>(std::floor(k.cdf(300) * kPieces));
  EXPECT_EQ(delays.kind(0), Kind::flat);
  EXPECT_EQ(delays.kind(knee - 1), Kind::flat);
  EXPECT_EQ(delays.kind(knee), Kind::inverse_cdf);
  EXPECT_EQ(delays.kind(knee + 1), Kind::rejection);
}

TEST(DelaySampler, SameSeedSameDelays) {
  const DelaySampler delays(kernels()[1]);
  RandomStream a(3, "d"), b(3, "d");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(delays.draw(a), delays.draw(b));
}

}  // namespace
}  // namespace likesim
