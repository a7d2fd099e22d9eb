// FramePool (engine/core/frame_pool.h): frames created together sit together, memory is
// reused once its frames are gone, and no two live frames overlap.
#include "engine/core/frame_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <utility>
#include <vector>

namespace likesim {
namespace {

std::uintptr_t address(void* p) { return reinterpret_cast<std::uintptr_t>(p); }

TEST(FramePool, FramesCreatedTogetherAreNeighbours) {
  void* a = FramePool::allocate(200);
  void* b = FramePool::allocate(100);
  void* c = FramePool::allocate(50);
  EXPECT_EQ(address(b), address(a) + 208);  // rounded up to max_align_t
  EXPECT_EQ(address(c), address(b) + 112);
  EXPECT_EQ(address(a) % alignof(std::max_align_t), 0u);
  FramePool::deallocate(c, 50);
  FramePool::deallocate(b, 100);
  FramePool::deallocate(a, 200);
}

TEST(FramePool, TheChunkBeingCarvedIsReusedOnceItsFramesAreGone) {
  void* first = FramePool::allocate(64);
  FramePool::deallocate(first, 64);
  for (int i = 0; i < 1000; ++i) {
    void* p = FramePool::allocate(64);
    ASSERT_EQ(p, first) << i;  // the same warm memory, not 64 KB of fresh lines
    FramePool::deallocate(p, 64);
  }
}

// Random lifetimes over many chunks: every live frame keeps its bytes, and once all are freed
// the same sequence again is served from the chunks the pool already has.
TEST(FramePool, LiveFramesNeverOverlapAndFreedChunksComeBack) {
  std::mt19937_64 rng;
  std::vector<std::pair<unsigned char*, std::size_t>> live;
  std::set<std::uintptr_t> seen_chunks;
  auto chunk = [](void* p) { return address(p) & ~((std::uintptr_t{64} << 10) - 1); };
  for (int round = 0; round < 3; ++round) {
    rng.seed(7);
    for (int i = 0; i < 20000; ++i) {
      if (!live.empty() && rng() % 3 == 0) {
        const std::size_t k = rng() % live.size();
        auto [p, n] = live[k];
        for (std::size_t j = 0; j < n; ++j) ASSERT_EQ(p[j], static_cast<unsigned char>(n));
        FramePool::deallocate(p, n);
        live[k] = live.back();
        live.pop_back();
        continue;
      }
      const std::size_t n = 16 + rng() % 1500;
      auto* p = static_cast<unsigned char*>(FramePool::allocate(n));
      std::memset(p, static_cast<unsigned char>(n), n);
      if (round == 0) {
        seen_chunks.insert(chunk(p));
      } else {
        ASSERT_TRUE(seen_chunks.count(chunk(p))) << "round " << round << ": a new chunk";
      }
      live.emplace_back(p, n);
    }
    for (auto [p, n] : live) {
      for (std::size_t j = 0; j < n; ++j) ASSERT_EQ(p[j], static_cast<unsigned char>(n));
      FramePool::deallocate(p, n);
    }
    live.clear();
  }
}

TEST(FramePool, LargeFramesGoToTheHeap) {
  void* p = FramePool::allocate(100000);
  std::memset(p, 1, 100000);
  FramePool::deallocate(p, 100000);
}

}  // namespace
}  // namespace likesim
