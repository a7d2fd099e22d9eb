// poisson_draw: a Poisson(mean) variate from a RandomStream, exact, by inversion.
//
// Sequential search from 0 costs O(mean) steps, which is what the caller spends anyway on the
// `mean` things it counts (children of a like, reads after it); means above kPiece are summed
// from pieces so exp(-mean) never underflows. Our own code, like every variate (DESIGN.md §3).
//
//   std::uint32_t children = poisson_draw(rng, 0.9);
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/core/random_stream.h"

namespace likesim {

// 1/k for the search's steps (a multiply is several times cheaper than a divide).
struct PoissonInverses {
  static constexpr int kSize = 384;
  double inv[kSize];
  constexpr PoissonInverses() : inv() {
    for (int k = 1; k < kSize; ++k) inv[k] = 1.0 / k;
  }
};
inline constexpr PoissonInverses kPoissonInverses{};

inline std::uint32_t poisson_draw(RandomStream& rng, double mean) {
  constexpr double kPiece = 64;
  std::uint32_t total = 0;
  while (mean > kPiece) {
    total += poisson_draw(rng, kPiece);
    mean -= kPiece;
  }
  if (!(mean > 0)) return total;
  double p = std::exp(-mean);
  double cumulative = p;
  const double u = rng.uniform01();
  std::uint32_t k = 0;
  // The bound stops a u within rounding of 1 from walking off past the representable tail.
  while (u >= cumulative && k + 1 < PoissonInverses::kSize) {
    ++k;
    p *= mean * kPoissonInverses.inv[k];
    cumulative += p;
  }
  return total + k;
}

}  // namespace likesim
