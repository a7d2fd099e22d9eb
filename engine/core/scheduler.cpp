#include "engine/core/scheduler.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <typeinfo>

#include "engine/core/code_names.h"

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

// Inlined into run_one (the hot loop); no_progress calls it too.
[[gnu::always_inline]] inline void Scheduler::dispatch(const Event& e) {
  if (e.arg == kResume) {
    std::coroutine_handle<>::from_address(e.target).resume();
  } else {
    static_cast<EventHandler*>(e.target)->on_event(e.arg);
  }
}

bool Scheduler::run_one() {
  if (heap_.empty()) return false;
  Event e = pop();
  // The watchdog: a count of events at the current instant, reset (without a branch) when the
  // clock moves, and one well-predicted compare.
  same_instant_ = e.time == now_.count() ? same_instant_ + 1 : 0;
  now_ = Time(e.time);
  if (same_instant_ >= stall_limit_) [[unlikely]]
    no_progress(e);
  ++processed_;
  dispatch(e);
  return true;
}

// Names what is spinning: runs a few more events of the stuck instant (they would run anyway)
// and names the distinct handlers and coroutines among them, in the order they ran.
void Scheduler::no_progress(const Event& first) {
  // What an event runs: a coroutine's resume function, or a handler's dynamic type. Names are
  // looked up once per distinct key (reading symbols is slow).
  struct Key {
    const void* resume = nullptr;
    const std::type_info* type = nullptr;
    const void* frame = nullptr;
    bool operator==(const Key& o) const { return resume == o.resume && type == o.type; }
  };
  const auto key_of = [](const Event& e) {
    Key k;
    if (e.arg == kResume) {
      std::memcpy(&k.resume, e.target, sizeof k.resume);  // first word of a coroutine frame
      k.frame = e.target;
    } else {
      k.type = &typeid(*static_cast<EventHandler*>(e.target));
    }
    return k;
  };
  std::vector<Key> keys;
  const auto note = [&](const Event& e) {
    const Key k = key_of(e);
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  };
  note(first);
  dispatch(first);
  for (int i = 0;
       i < 256 && keys.size() < 4 && !heap_.empty() && heap_.front().time == now_.count(); ++i) {
    Event e = pop();
    note(e);
    dispatch(e);
  }
  std::vector<std::string> names;
  for (const Key& k : keys) {
    names.push_back(k.type ? type_name(*k.type) : "coroutine " + coroutine_name(k.frame));
  }
  std::string spinning;
  for (const std::string& n : names) spinning += (spinning.empty() ? "" : ", ") + n;
  char at[48];
  std::snprintf(at, sizeof at, "%.9f", to_seconds(now_));
  throw NoProgressError(
      "no progress at t=" + std::string(at) + " s: " + spinning + " ran " +
      std::to_string(same_instant_) +
      " events without the simulated clock advancing (a zero or tiny timeout, period or delay?)");
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
