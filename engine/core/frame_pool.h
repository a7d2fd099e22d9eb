// FramePool: recycles coroutine frames so a simulated request costs no heap allocation once
// the pool is warm.
//
// Frames are grouped into 64-byte size classes up to 4 KiB; larger frames go to ::operator new.
// The pool is thread_local because each simulated world runs on one thread (several strategies
// may run side by side on different threads), so no locking is needed.
#pragma once

#include <cstddef>
#include <new>

namespace likesim {

class FramePool {
 public:
  static void* allocate(std::size_t size) {
    std::size_t cls = size_class(size);
    if (cls >= kClasses) return ::operator new(size);
    Lists& l = lists();
    if (FreeBlock* b = l.head[cls]) {
      l.head[cls] = b->next;
      return b;
    }
    return ::operator new((cls + 1) * kGranule);
  }
  static void deallocate(void* p, std::size_t size) noexcept {
    std::size_t cls = size_class(size);
    if (cls >= kClasses) {
      ::operator delete(p);
      return;
    }
    Lists& l = lists();
    auto* b = static_cast<FreeBlock*>(p);
    b->next = l.head[cls];
    l.head[cls] = b;
  }

 private:
  static constexpr std::size_t kGranule = 64;
  static constexpr std::size_t kClasses = 64;  // up to 4 KiB
  struct FreeBlock {
    FreeBlock* next;
  };
  struct Lists {
    FreeBlock* head[kClasses] = {};
    ~Lists() {
      for (FreeBlock*& h : head) {
        while (h) {
          FreeBlock* n = h->next;
          ::operator delete(h);
          h = n;
        }
      }
    }
  };
  static std::size_t size_class(std::size_t size) { return (size - 1) / kGranule; }
  static Lists& lists() {
    thread_local Lists l;
    return l;
  }
};

}  // namespace likesim
