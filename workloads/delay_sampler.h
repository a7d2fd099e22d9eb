// DelaySampler: draws a HawkesKernel's delays exactly, without a log() or pow() on almost every
// draw (HawkesCascades draws one per child like: the inverse CDF's two transcendental calls were
// 18 % of the generator's time).
//
// The kernel's mass is cut into kPieces pieces of equal probability (edges from the inverse
// CDF). A draw picks a piece from the top bits of one 64-bit word and a point in it from the
// rest. Where the density is flat (SEISMIC's plateau) the point is the delay. Elsewhere the
// density decreases convexly inside the piece, so the point is kept by rejection against the
// piece's highest density f(a): accepted at once under the tangent at the piece's end (a
// multiply-add), else by evaluating f. The piece holding SEISMIC's knee at s0, and any piece
// too steep for a flat envelope, take the exact inverse CDF inside the piece instead. Every
// path is exact in distribution, up to the rounding of the edges. 1024 pieces of 16 bytes (16 KB;
// 512 and 2048 measured no different at 32 bytes).
//
//   DelaySampler delays(kernel);
//   double s = delays.draw(rng);     // seconds, in [0, horizon]
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/random_stream.h"
#include "workloads/hawkes_kernel.h"

namespace likesim {

class DelaySampler {
 public:
  static constexpr int kPieceBits = 10;
  static constexpr int kPieces = 1 << kPieceBits;

  explicit DelaySampler(const HawkesKernel& kernel);

  double draw(RandomStream& rng) const {
    const std::uint64_t r = rng.next_u64();
    const auto k = static_cast<std::uint32_t>(r >> (64 - kPieceBits));
    // The low 53 - kPieceBits bits place the point (the top bits chose the piece).
    const double w = static_cast<double>(r & kPointMask) * kPointScale;
    return draw_in(k, w, rng);
  }

  // One draw inside piece k given its first point w in [0, 1) (for tests).
  [[gnu::always_inline]] double draw_in(std::uint32_t k, double w, RandomStream& rng) const {
    const Piece& p = pieces_[k];
    for (;;) {
      if (p.tangent_at_end < 0) return exact_in(k, w);
      // The width is the next piece's start minus this one's: the very subtraction that made
      // the edges, so the same bits.
      const double s = p.start + w * (pieces_[k + 1].start - p.start);
      if (p.tangent_at_end == 0) return s;  // flat: every point is kept
      const double u = rng.uniform01();
      if (u <= p.end_ratio + p.tangent_at_end * (1.0 - w)) return s;
      if (u <= kernel_.pdf(s) * inv_start_density_[k]) return s;
      w = rng.uniform01();
    }
  }

  // Where piece k starts (k = kPieces: the horizon).
  double piece_start(std::uint32_t k) const { return pieces_[k].start; }

  // How piece k draws (for tests).
  enum class PieceKind { flat, rejection, inverse_cdf };
  PieceKind kind(std::uint32_t k) const {
    const double t = pieces_[k].tangent_at_end;
    return t < 0 ? PieceKind::inverse_cdf : t == 0 ? PieceKind::flat : PieceKind::rejection;
  }

 private:
  static constexpr std::uint64_t kPointMask = (std::uint64_t{1} << (53 - kPieceBits)) - 1;
  static constexpr double kPointScale = 1.0 / static_cast<double>(kPointMask + 1);

  // 16 bytes, so the table (16 KB) leaves room in L1 for the calendar: at 32 bytes a piece,
  // its reads missed L1 about once per delay. The squeeze's two figures are floats rounded
  // down (and computed with in double), so the squeeze stays below what it was with doubles;
  // where it now falls short the exact test accepts, so every draw gives the same delay.
  struct Piece {
    double start;
    float end_ratio;       // f(b) / f(a)
    float tangent_at_end;  // |f'(b)| width / f(a); 0 = flat piece; < 0 = inverse CDF
  };
  double exact_in(std::uint32_t k, double w) const {
    return kernel_.inverse_cdf((static_cast<double>(k) + w) * (1.0 / kPieces));
  }

  HawkesKernel kernel_;
  std::vector<Piece> pieces_;              // kPieces and one more, whose start is the horizon
  std::vector<double> inv_start_density_;  // 1 / f(a): read only when the tangent rejects
};

}  // namespace likesim
