// DepartureTimes: the oracle's staleness index for one post, left_at[v] = the virtual time (ns)
// when the post's truth last moved away from value v, for every value below the highest ever
// left (the truth moves in steps of one, so all are set).
//
// A celebrity post leaves 18 M values, so this is the oracle's largest structure: stored as
// int64 it would take 8 bytes a like (12 with a vector's growth). Times are written in
// non-decreasing order (acknowledgements do not go back), so the values of one chunk of 256
// consecutive counts were usually left within a few ms of each other: a chunk holds its first
// time and 32-bit offsets from it, ~4 bytes a value, allocated per chunk (no growth slack).
// A chunk whose span outgrows 2^32 ns (4.3 s: the count came back to old values much later)
// widens to full int64 times. Exact either way. The first 256 values, all most posts ever
// have, are a plain vector of times: a post with a few likes does not pay for a chunk.
//
//   DepartureTimes left_at;
//   left_at.push_back(t);   // the count rose past a new highest value
//   left_at.set(v, t);      // it left v again
//   std::int64_t ns = left_at[v];
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace likesim {

class DepartureTimes {
 public:
  std::size_t size() const { return size_; }
  std::int64_t operator[](std::size_t v) const {
    if (v < kChunk) return head_[v];
    const Chunk& c = *chunks_[v / kChunk - 1];
    const std::size_t i = v % kChunk;
    return c.wide ? c.wide[i] : c.base + static_cast<std::int64_t>(c.offset[i]);
  }
  void set(std::size_t v, std::int64_t t);
  void push_back(std::int64_t t);
  std::size_t memory_bytes() const;

 private:
  static constexpr std::size_t kChunk = 256;
  struct Chunk {
    std::int64_t base = 0;
    std::uint32_t offset[kChunk];
    std::unique_ptr<std::int64_t[]> wide;  // set once the chunk's span outgrew 32 bits
  };
  std::vector<std::int64_t> head_;              // values 0 .. kChunk - 1
  std::vector<std::unique_ptr<Chunk>> chunks_;  // chunk k: values (k + 1) * kChunk ...
  std::size_t size_ = 0;
};

}  // namespace likesim
