// UserPermutation: a keyed bijection of [0, n), so a counter becomes a stream of distinct,
// well-spread user ids.
//
// A hot post's likes must each come from a different user (a real fan likes once), yet not
// from users 1, 2, 3, ... that would line up with anything else counting from 1. Three rounds
// of invertible steps on `bits`-bit integers (xor a key, multiply by an odd constant mod
// 2^bits, xorshift right) are a bijection of [0, 2^bits) with bits the smallest covering n;
// cycle walking (apply again while the value is >= n, under 2 steps on average) restricts it
// to [0, n) and stays a bijection. No table: O(1) memory for any n. Each step has a cheap
// inverse, so the permutation does too (a UserSet lays a hot post's bitset out in the order
// its fans come: UserOrder).
//
//   UserPermutation fans(seed, config.users);
//   UserId user = fans(k) + 1;   // distinct for k = 0 .. users-1
//   fans.inverse(user - 1);      // k
#pragma once

#include <cstdint>

#include "engine/core/random_stream.h"

namespace likesim {

// The inverse of an odd number mod 2^32. Newton's iteration doubles the correct low bits each
// step: 3 -> 6 -> 12 -> 24 -> 48.
constexpr std::uint32_t odd_inverse(std::uint32_t a) {
  std::uint32_t y = a;  // a * a == 1 mod 8 for any odd a
  for (int i = 0; i < 4; ++i) y *= 2 - a * y;
  return y;
}

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

  friend bool operator==(const UserPermutation&, const UserPermutation&) = default;

  // x in [0, n) -> a distinct value in [0, n).
  std::uint32_t operator()(std::uint32_t x) const {
    do {
      x = scramble(x);
    } while (x >= n_);
    return x;
  }
  // y in [0, n) -> the x with (*this)(x) == y. Walking the cycle backwards undoes the walk
  // forwards: the values skipped on the way (>= n) are the same.
  std::uint32_t inverse(std::uint32_t y) const {
    do {
      y = unscramble(y);
    } while (y >= n_);
    return y;
  }
  std::uint32_t n() const { return n_; }

 private:
  // Each step is invertible mod 2^bits, so the whole is a permutation of [0, 2^bits).
  static constexpr std::uint32_t kOdd[3] = {0x9e3779b1u, 0x85ebca6bu, 0xc2b2ae35u};
  std::uint32_t scramble(std::uint32_t x) const {
    for (int r = 0; r < 3; ++r) {
      x ^= keys_[r];
      x = (x * kOdd[r]) & mask_;
      x ^= x >> shift_;
    }
    return x;
  }
  // The rounds backwards. x ^= x >> s is its own inverse when 2 s >= bits (the bits it shifts
  // in are ones it left alone); a multiplication by an odd number is undone by its inverse
  // mod 2^32, which is also its inverse mod 2^bits.
  std::uint32_t unscramble(std::uint32_t x) const {
    for (int r = 2; r >= 0; --r) {
      x ^= x >> shift_;
      x = (x * kOddInverse[r]) & mask_;
      x ^= keys_[r];
    }
    return x;
  }
  static constexpr std::uint32_t kOddInverse[3] = {odd_inverse(kOdd[0]), odd_inverse(kOdd[1]),
                                                   odd_inverse(kOdd[2])};
  static_assert(kOdd[0] * kOddInverse[0] == 1 && kOdd[1] * kOddInverse[1] == 1 &&
                kOdd[2] * kOddInverse[2] == 1);

  std::uint32_t n_;
  std::uint32_t mask_;
  int shift_;
  std::uint32_t keys_[3];
};

}  // namespace likesim
