#include "engine/core/random_stream.h"

#include <cassert>

namespace likesim {

RandomStream::RandomStream(std::uint64_t seed, std::string_view name) {
  std::uint64_t x = mix64(seed) ^ fnv1a(name);
  for (auto& s : s_) {
    x = mix64(x);
    s = x;
  }
}

std::uint64_t RandomStream::uniform_int(std::uint64_t n) {
  assert(n > 0);
  __uint128_t m = static_cast<__uint128_t>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = -n % n;
    while (low < threshold) {
      m = static_cast<__uint128_t>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

// Rejection-inversion (W. Hörmann, G. Derflinger, "Rejection-inversion to generate variates
// from monotone discrete distributions", 1996), as in Apache Commons RNG.
ZipfDistribution::ZipfDistribution(std::uint64_t n, double s) : n_(n), s_(s) {
  assert(n >= 1 && s > 0);
  h_x1_ = h(1.5) - 1.0;
  h_n_ = h(static_cast<double>(n) + 0.5);
  threshold_ = 2.0 - h_inverse(h(2.5) - std::exp(-s_ * std::log(2.0)));
}

// H(x) = ((x^(1-s)) - 1) / (1 - s), or log(x) when s == 1, computed stably.
double ZipfDistribution::h(double x) const {
  const double log_x = std::log(x);
  const double t = (1.0 - s_) * log_x;
  return (std::abs(t) > 1e-8 ? std::expm1(t) / t : 1.0 + t / 2.0) * log_x;
}

double ZipfDistribution::h_inverse(double x) const {
  double t = x * (1.0 - s_);
  if (t < -1.0) t = -1.0;  // numerical guard
  const double log1p_t_over_t = std::abs(t) > 1e-8 ? std::log1p(t) / t : 1.0 - t / 2.0;
  return std::exp(log1p_t_over_t * x);
}

std::uint64_t ZipfDistribution::sample(RandomStream& rng) const {
  // Over {1} the first draw is always accepted (u >= h_x1_ holds for every u it can make):
  // take the uniform it would take, so the stream stays the same, and skip the exp().
  if (n_ == 1) {
    rng.next_u64();
    return 1;
  }
  for (;;) {
    const double u = h_n_ + rng.uniform01() * (h_x1_ - h_n_);
    const double x = h_inverse(u);
    double kd = std::floor(x + 0.5);
    if (kd < 1.0) kd = 1.0;
    if (kd > static_cast<double>(n_)) kd = static_cast<double>(n_);
    if (kd - x <= threshold_ || u >= h(kd + 0.5) - std::exp(-std::log(kd) * s_)) {
      return static_cast<std::uint64_t>(kd);
    }
  }
}

}  // namespace likesim
