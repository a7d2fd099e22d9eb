#include "engine/core/scheduler.h"

namespace likesim {

void Scheduler::sift_up(std::size_t i) {
  Event e = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / 2;
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
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && later(heap_[child], heap_[child + 1])) ++child;
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
