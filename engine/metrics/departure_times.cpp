#include "engine/metrics/departure_times.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace likesim {

void DepartureTimes::set(std::size_t v, std::int64_t t) {
  assert(v < size_);
  if (v < kChunk) {
    head_[v] = t;
    return;
  }
  Chunk& c = *chunks_[v / kChunk - 1];
  const std::size_t i = v % kChunk;
  if (c.wide) {
    c.wide[i] = t;
    return;
  }
  const std::int64_t d = t - c.base;
  if (d >= 0 && d <= std::numeric_limits<std::uint32_t>::max()) {
    c.offset[i] = static_cast<std::uint32_t>(d);
    return;
  }
  // Widen: the chunk's values as full times from now on.
  c.wide = std::make_unique<std::int64_t[]>(kChunk);
  const std::size_t used = std::min(kChunk, size_ - (v / kChunk) * kChunk);
  for (std::size_t k = 0; k < used; ++k)
    c.wide[k] = c.base + static_cast<std::int64_t>(c.offset[k]);
  c.wide[i] = t;
}

void DepartureTimes::push_back(std::int64_t t) {
  if (size_ < kChunk) {
    head_.push_back(t);
    ++size_;
    return;
  }
  if (size_ % kChunk == 0) {
    chunks_.push_back(std::make_unique<Chunk>());
    chunks_.back()->base = t;
  }
  ++size_;
  set(size_ - 1, t);
}

std::size_t DepartureTimes::memory_bytes() const {
  std::size_t bytes =
      head_.capacity() * sizeof(std::int64_t) + chunks_.capacity() * sizeof(std::unique_ptr<Chunk>);
  for (const auto& c : chunks_) {
    bytes += sizeof(Chunk);
    if (c->wide) bytes += kChunk * sizeof(std::int64_t);
  }
  return bytes;
}

}  // namespace likesim
