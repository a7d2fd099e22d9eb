// The Bloom filter's geometry and bit positions, shared by both worlds: the simulated node
// sets these bits in memory, the real client sends them to a SETBIT/GETBIT script, so a
// false positive in one world is a false positive in the other.
//
//   for (std::uint32_t bit : bloom_bits(post, user)) ...
#pragma once

#include <array>
#include <cstdint>

#include "engine/core/random_stream.h"
#include "engine/model/ids.h"

namespace likesim {

// 2^24 bits per post (2 MiB if every word were set) and 7 hashes give < 1 % false positives
// up to ~1.7 M members, the size of a celebrity post's likers.
constexpr int kBloomBitsLog2 = 24;
constexpr int kBloomHashes = 7;

// Kirsch–Mitzenmacher double hashing over mix64(pack_like(post, item)):
// bit i = (h1 + i * h2) mod 2^24.
inline std::array<std::uint32_t, kBloomHashes> bloom_bits(PostId post, UserId item) {
  const std::uint64_t h = mix64(pack_like(post, item));
  const std::uint64_t h1 = h & 0xffffffffu;
  const std::uint64_t h2 = (h >> 32) | 1;
  const std::uint64_t mask = (std::uint64_t{1} << kBloomBitsLog2) - 1;
  std::array<std::uint32_t, kBloomHashes> bits{};
  for (int i = 0; i < kBloomHashes; ++i) {
    bits[static_cast<std::size_t>(i)] =
        static_cast<std::uint32_t>((h1 + static_cast<std::uint64_t>(i) * h2) & mask);
  }
  return bits;
}

}  // namespace likesim
