#include "engine/core/frame_pool.h"

namespace likesim {

void FramePool::next_chunk(Carver& c) {
  if (c.chunk != nullptr && c.chunk->live == 0) {  // nothing of it left: carve it again
    c.used = kHeaderBytes;
    return;
  }
  // The old chunk goes spare when its last frame is freed (deallocate sees it is not current).
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
