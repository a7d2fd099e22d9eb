// RandomStream: a named, seeded source of random numbers (xoshiro256**).
//
// Every component draws from its own stream, derived from (run seed, stream name), so adding
// a component or a draw in one place never shifts another component's numbers. Variates are
// our own code: the standard library's distributions differ between implementations and
// would break byte-identical reports (DESIGN.md §3).
//
//   RandomStream arrivals(seed, "workload.arrivals");
//   Duration gap = arrivals.exponential(1ms);
//   std::uint64_t user = arrivals.uniform_int(1'000'000);
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#include "engine/core/sim_time.h"

namespace likesim {

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::string_view name);

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1), 53 bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for log().
  double uniform01_open_low() { return 1.0 - uniform01(); }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift with rejection).
  std::uint64_t uniform_int(std::uint64_t n);
  bool bernoulli(double p) { return uniform01() < p; }
  double exponential(double mean) { return -mean * std::log(uniform01_open_low()); }
  Duration exponential(Duration mean) {
    return Duration(static_cast<std::int64_t>(exponential(static_cast<double>(mean.count()))));
  }
  // Pareto with scale x_m and shape alpha (> 0).
  double pareto(double x_m, double alpha) {
    return x_m / std::pow(uniform01_open_low(), 1.0 / alpha);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Zipf over {1..n} with exponent s > 0 (P(k) ∝ k^-s), by Hörmann and Derflinger's
// rejection-inversion: O(1) per draw, no table, so n may be in the millions.
class ZipfDistribution {
 public:
  ZipfDistribution(std::uint64_t n, double s);
  std::uint64_t sample(RandomStream& rng) const;
  std::uint64_t n() const { return n_; }

 private:
  double h(double x) const;
  double h_inverse(double x) const;
  std::uint64_t n_;
  double s_;
  double h_x1_, h_n_, threshold_;
};

// 64-bit FNV-1a, used to derive stream seeds from names and wherever a stable hash of text is
// needed (std::hash is not stable across implementations).
constexpr std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// A strong 64-bit mixer (SplitMix64's finaliser): turns structured ids into well-spread bits.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace likesim
