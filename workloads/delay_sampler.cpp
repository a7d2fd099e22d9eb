#include "workloads/delay_sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace likesim {

namespace {

// Below this f(b) / f(a) a piece is too steep for a flat envelope to be cheap: it takes the
// inverse CDF (with 2048 pieces, only the widest tail pieces of a kernel).
constexpr double kMinEndRatio = 0.9;

// The largest float not above x (x >= 0).
float float_below(double x) {
  const auto f = static_cast<float>(x);
  return static_cast<double>(f) > x ? std::nextafter(f, 0.0f) : f;
}

}  // namespace

DelaySampler::DelaySampler(const HawkesKernel& kernel) : kernel_(kernel) {
  pieces_.resize(kPieces + 1);
  inv_start_density_.assign(kPieces, 0);
  // Both kernels are c' (s + shift)^-(1 + theta) past the plateau, so |f'(s)| = (1 + theta)
  // f(s) / (s + shift).
  const double shift = kernel.is_seismic() ? 0 : kernel.c();
  const double knee = kernel.is_seismic() ? kernel.s0() : 0;
  double a = 0;
  for (int k = 0; k < kPieces; ++k) {
    const double b = k + 1 == kPieces ? kernel.horizon()
                                      : kernel.inverse_cdf(static_cast<double>(k + 1) / kPieces);
    Piece& p = pieces_[static_cast<std::size_t>(k)];
    p.start = a;
    const double fa = kernel.pdf(a), fb = kernel.pdf(b);
    if (b <= knee) {
      p.end_ratio = 1;
      p.tangent_at_end = 0;
    } else if (a < knee || !(fa > 0) || fb / fa < kMinEndRatio) {
      p.tangent_at_end = -1;
    } else {
      p.end_ratio = float_below(fb / fa);
      // Never 0, which marks a piece flat. A value below the smallest float is overshot by
      // less than 1.5e-45: far inside the squeeze's own double rounding.
      p.tangent_at_end =
          std::max(float_below((1 + kernel.theta()) * fb / (b + shift) * (b - a) / fa),
                   std::numeric_limits<float>::denorm_min());
      inv_start_density_[static_cast<std::size_t>(k)] = 1 / fa;
    }
    a = b;
  }
  pieces_[kPieces] = Piece{kernel.horizon(), 0, -1};  // the last piece's end
}

}  // namespace likesim
