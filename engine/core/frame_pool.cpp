#include "engine/core/frame_pool.h"

namespace likesim {

// Called only when a frame does not fit in the current chunk, so that chunk holds live frames
// (deallocate restarts the current chunk when its last one goes): it goes spare when its
// last frame is freed, since deallocate then sees it is no longer current.
void FramePool::next_chunk(Carver& c) {
  if (c.spare != nullptr) {
    c.chunk = c.spare;
    c.spare = c.spare->next;
  } else {
    c.chunk = new (::operator new (kChunkBytes, std::align_val_t{kChunkBytes})) Chunk;
  }
  c.chunk->live = 0;
  c.chunk->next = nullptr;
  c.used = kHeaderBytes;
}

// Spare chunks go back; chunks still holding frames of coroutines that were never resumed
// to their end (a run's poll loops and timers, dropped with its scheduler) go with the
// process, as those frames did with the free lists (scripts/lsan.supp).
FramePool::Carver::~Carver() {
  while (spare != nullptr) {
    Chunk* next = spare->next;
    ::operator delete (spare, std::align_val_t{kChunkBytes});
    spare = next;
  }
  if (chunk != nullptr && chunk->live == 0) {
    ::operator delete (chunk, std::align_val_t{kChunkBytes});
  }
}

}  // namespace likesim
