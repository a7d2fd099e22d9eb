#include "engine/core/scheduler.h"

#include <algorithm>

namespace likesim {

// A 4-ary heap: half the depth of a binary one, and a node's children share a cache line or
// two, which matters once tens of thousands of requests are pending.
void Scheduler::sift_up(std::size_t i) {
  Event e = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / kArity;
    if (!later(heap_[parent], e)) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void Scheduler::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  Event e = heap_[i];
  for (;;) {
    const std::size_t first = kArity * i + 1;
    if (first >= n) break;
    std::size_t child = first;
    const std::size_t last = std::min(first + kArity, n);
    for (std::size_t c = first + 1; c < last; ++c) {
      if (later(heap_[child], heap_[c])) child = c;
    }
    if (!later(e, heap_[child])) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = e;
}

Scheduler::Event Scheduler::pop() {
  Event top = heap_.front();
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
  return top;
}

bool Scheduler::run_one() {
  if (heap_.empty()) return false;
  Event e = pop();
  now_ = Time(e.time);
  ++processed_;
  if (e.arg == kResume) {
    std::coroutine_handle<>::from_address(e.target).resume();
  } else {
    static_cast<EventHandler*>(e.target)->on_event(e.arg);
  }
  return true;
}

void Scheduler::run_until(Time t) {
  while (!heap_.empty() && heap_.front().time < t.count()) run_one();
  if (t > now_) now_ = t;
}

void Scheduler::run() {
  while (run_one()) {
  }
}

}  // namespace likesim
