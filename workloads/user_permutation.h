// UserPermutation: a keyed bijection of [0, n), so a counter becomes a stream of distinct,
// well-spread user ids.
//
// A hot post's likes must each come from a different user (a real fan likes once), yet not
// from users 1, 2, 3, ... that would line up with anything else counting from 1. Three rounds
// of invertible steps on `bits`-bit integers (xor a key, multiply by an odd constant mod
// 2^bits, xorshift right) are a bijection of [0, 2^bits) with bits the smallest covering n;
// cycle walking (apply again while the value is >= n, under 2 steps on average) restricts it
// to [0, n) and stays a bijection. No table: O(1) memory for any n.
//
//   UserPermutation fans(seed, config.users);
//   UserId user = fans(k) + 1;   // distinct for k = 0 .. users-1
#pragma once

#include <cstdint>

#include "engine/core/random_stream.h"

namespace likesim {

class UserPermutation {
 public:
  UserPermutation(std::uint64_t key, std::uint32_t n) : n_(n ? n : 1) {
    int bits = 1;
    while (bits < 32 && (std::uint64_t{1} << bits) < n_) ++bits;
    mask_ = static_cast<std::uint32_t>((std::uint64_t{1} << bits) - 1);
    shift_ = bits > 1 ? (bits + 1) / 2 : 1;
    std::uint64_t k = mix64(key);
    for (auto& round_key : keys_) {
      k = mix64(k);
      round_key = static_cast<std::uint32_t>(k) & mask_;
    }
  }

  // x in [0, n) -> a distinct value in [0, n).
  std::uint32_t operator()(std::uint32_t x) const {
    do {
      x = scramble(x);
    } while (x >= n_);
    return x;
  }
  std::uint32_t n() const { return n_; }

 private:
  // Each step is invertible mod 2^bits, so the whole is a permutation of [0, 2^bits).
  std::uint32_t scramble(std::uint32_t x) const {
    static constexpr std::uint32_t kOdd[3] = {0x9e3779b1u, 0x85ebca6bu, 0xc2b2ae35u};
    for (int r = 0; r < 3; ++r) {
      x ^= keys_[r];
      x = (x * kOdd[r]) & mask_;
      x ^= x >> shift_;
    }
    return x;
  }

  std::uint32_t n_;
  std::uint32_t mask_;
  int shift_;
  std::uint32_t keys_[3];
};

}  // namespace likesim
