#include "engine/core/scheduler.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <typeinfo>

#include "engine/core/code_names.h"
#include "engine/core/frame_pool.h"

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

// A lane's next event takes the place of the one that ran: one sift down, where a pop and a
// push took a sift down and a sift up. The heap's order is total ((time, seq) are unique), so
// events run in the same order either way.
Scheduler::Event Scheduler::take_front() {
  const Event top = heap_.front();
  if (on_lane(top.arg)) {
    LaneQueue& q = lanes_[static_cast<std::size_t>(top.arg - kLaneBase)];
    if (q.size > 0) {
      // A lane's resumes run in its order: load the request kAhead resumes on now, so its
      // frames are in the cache when its turn comes (run_one's prefetch, one event ahead, is
      // too late for memory that was written a second ago).
      constexpr std::size_t kAhead = 8;
      if (q.size > kAhead) {
        FramePool::prefetch_request(q.ring[(q.first + kAhead) & (q.ring.size() - 1)].target);
      }
      heap_.front() = q.pop_front();
      --lane_waiting_;
      sift_down(0);
      return top;
    }
    q.head_in_heap = false;
  }
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
  return top;
}

bool Scheduler::run_one() {
  if (heap_.empty()) return false;
  const Event e = take_front();
  now_ = Time(e.time);
  ++processed_;
  // The next event's coroutine frame (or handler) may have been last touched long ago: start
  // loading it while this one runs. (The heap's other entries' were loaded too once; with
  // the lanes' own prefetch, take_front, that cost ~37 instructions an event for nothing:
  // celebrity async_log, count_query and single_counter_redis equal or faster without.)
  if (!heap_.empty()) {
    const char* next = static_cast<const char*>(heap_.front().target);
    __builtin_prefetch(next);
    __builtin_prefetch(next + 64);
    __builtin_prefetch(next + 128);
  }
  if (is_resume(e.arg)) {
    std::coroutine_handle<>::from_address(e.target).resume();
  } else {
    static_cast<EventHandler*>(e.target)->on_event(e.arg);
  }
  return true;
}

void Scheduler::LaneQueue::grow() {
  std::vector<Event> bigger(std::max<std::size_t>(16, ring.size() * 2));
  for (std::size_t i = 0; i < size; ++i) bigger[i] = ring[(first + i) & (ring.size() - 1)];
  ring = std::move(bigger);
  first = 0;
}

void Scheduler::set_stall_limit(std::uint64_t events) {
  stall_limit_ = std::max<std::uint64_t>(events, 2);
  watch_interval_ = 1;
  while (watch_interval_ * 2 <= stall_limit_ / 2 && watch_interval_ < (1 << 16)) {
    watch_interval_ *= 2;
  }
}

// Names what is spinning: runs a few more events of the stuck instant (they would run anyway)
// and names the distinct handlers and coroutines among them, in the order they ran.
void Scheduler::no_progress() {
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
    if (is_resume(e.arg)) {
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
  for (int i = 0;
       i < 256 && keys.size() < 4 && !heap_.empty() && heap_.front().time == now_.count(); ++i) {
    const Event e = heap_.front();
    note(e);
    run_one();
  }
  std::vector<std::string> names;
  for (const Key& k : keys) {
    names.push_back(k.type ? type_name(*k.type) : "coroutine " + coroutine_name(k.frame));
  }
  std::string spinning;
  for (const std::string& n : names) spinning += (spinning.empty() ? "" : ", ") + n;
  if (spinning.empty()) spinning = "(nothing left at that instant)";
  char at[48];
  std::snprintf(at, sizeof at, "%.9f", to_seconds(now_));
  throw NoProgressError(
      "no progress at t=" + std::string(at) + " s: " + spinning + " ran " +
      std::to_string(stalled_) +
      " events without the simulated clock advancing (a zero or tiny timeout, period or delay?)");
}

void Scheduler::run_until(Time t) {
  const std::uint64_t mask = watch_interval_ - 1;
  for (std::uint64_t n = 1; !heap_.empty() && heap_.front().time < t.count(); ++n) {
    run_one();
    if ((n & mask) == 0) watch_progress(watch_interval_);
  }
  if (t > now_) now_ = t;
}

void Scheduler::run() {
  const std::uint64_t mask = watch_interval_ - 1;
  for (std::uint64_t n = 1; run_one(); ++n) {
    if ((n & mask) == 0) watch_progress(watch_interval_);
  }
}

}  // namespace likesim
