// Scheduler: the discrete-event loop of the simulated world.
//
// Events are 32-byte values in a 4-ary heap ordered by (time, sequence), so events at the
// same time run in the order they were scheduled and a run is reproducible. An event either
// resumes a coroutine or calls an EventHandler with a 64-bit argument (a simulated server's
// "service complete"); there is no std::function and no allocation per event.
//
// Lanes keep the heap small. A FIFO server answers its calls in the order they came, so the
// resumes it schedules are mostly in time order already: scheduled on the server's lane, such a
// resume waits in the lane's queue and only the lane's earliest is in the heap. With 100 k
// calls in flight on a few nodes the heap then holds a few entries instead of 100 k. Each
// keeps the sequence number it got when scheduled, so events run in exactly the order they
// would without lanes; one earlier than the lane's last goes into the heap on its own.
//
//   Scheduler s;
//   s.schedule_resume(5us, handle);        // resume `handle` at t = 5 µs
//   s.schedule(7us, &node, kServiceDone);  // node.on_event(kServiceDone) at t = 7 µs
//   s.run_until(1s);                       // events at exactly 1 s do not run; now() == 1 s
//   Scheduler::Lane lane = s.add_lane();
//   s.schedule_resume(lane, 9us, handle);  // as schedule_resume(9us, handle)
#pragma once

#include <cassert>
#include <coroutine>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/sim_time.h"

namespace likesim {

// Implemented by simulated components that want a callback instead of a coroutine resume.
class EventHandler {
 public:
  virtual void on_event(std::uint64_t arg) = 0;

 protected:
  ~EventHandler() = default;
};

// Thrown by Scheduler::run_one when the clock has stopped: a component keeps scheduling events
// at one instant (a zero-length timeout or period) and the run would never end.
class NoProgressError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Scheduler {
 public:
  // Events that may run at one instant before the watchdog stops the run. A busy simulated
  // instant holds a few thousand (every request due then, every reply); ten million at 40 M
  // events/s is a quarter second of a clock that does not move.
  static constexpr std::uint64_t kDefaultStallLimit = 10'000'000;

  Scheduler() { heap_.reserve(1024); }
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  Time now() const { return now_; }
  std::uint64_t events_processed() const { return processed_; }
  std::size_t pending() const { return heap_.size() + lane_waiting_; }
  bool empty() const { return heap_.empty(); }
  // Time of the earliest pending event; only valid when !empty().
  Time next_time() const { return Time(heap_.front().time); }

  void schedule_resume(Time at, std::coroutine_handle<> h) {
    push(Event{at.count(), next_seq_++, h.address(), kResume});
  }
  void schedule(Time at, EventHandler* target, std::uint64_t arg) {
    assert(arg < kLaneBase && "handler arguments use the low 63 bits");
    push(Event{at.count(), next_seq_++, target, arg});
  }

  // A sequence number for an event scheduled later with schedule_reserved(): it then runs
  // exactly where it would have run had it been scheduled now. For a component that keeps one
  // timer pending and moves it on lazily, where scheduling a timer per wait would leave a
  // cancelled event in the heap for each wait that ended early.
  std::uint64_t reserve_seq() { return next_seq_++; }
  void schedule_reserved(Time at, std::uint64_t seq, EventHandler* target, std::uint64_t arg) {
    assert(seq < next_seq_ && arg < kLaneBase);
    push(Event{at.count(), seq, target, arg});
  }
  void schedule_resume_reserved(Time at, std::uint64_t seq, std::coroutine_handle<> h) {
    assert(seq < next_seq_);
    push(Event{at.count(), seq, h.address(), kResume});
  }
  // No pending event is due at now(): whatever the running event schedules for now (with the
  // next sequence numbers) runs right after it, so a component may run it in place instead
  // (PostgresServer's rejections do).
  bool nothing_due_now() const { return heap_.empty() || heap_.front().time > now_.count(); }

  using Lane = std::uint32_t;
  Lane add_lane() {
    lanes_.emplace_back();
    return static_cast<Lane>(lanes_.size() - 1);
  }
  // Resumes `h` at `at`, exactly as schedule_resume(at, h) would; cheaper when `at` is no
  // earlier than the last time scheduled on the lane.
  void schedule_resume(Lane lane, Time at, std::coroutine_handle<> h) {
    LaneQueue& q = lanes_[lane];
    const Event e{at.count(), next_seq_++, h.address(), kLaneBase | lane};
    if (!q.head_in_heap) {
      q.head_in_heap = true;
      q.last_time = e.time;
      push(e);
    } else if (e.time >= q.last_time) {
      q.last_time = e.time;
      q.push_back(e);
      ++lane_waiting_;
    } else {
      push(Event{e.time, e.seq, e.target, kResume});  // out of the lane's order: on its own
    }
  }

  // Runs the earliest event. Returns false when nothing is pending.
  bool run_one();
  // The no-progress watchdog. run() and run_until() call watch_progress every
  // watch_interval() events; a driver with its own run_one loop (SimWorld) does the same. Once
  // stall_limit() events have run without the clock advancing, it throws NoProgressError naming
  // what the events at that instant run. Checking every few thousand events, not every event,
  // keeps it off the hot path.
  void set_stall_limit(std::uint64_t events);
  std::uint64_t stall_limit() const { return stall_limit_; }
  std::uint64_t watch_interval() const { return watch_interval_; }
  void watch_progress(std::uint64_t events_since_last_call) {
    if (now_ != watched_time_) {
      watched_time_ = now_;
      stalled_ = 0;
      return;
    }
    stalled_ += events_since_last_call;
    if (stalled_ >= stall_limit_) [[unlikely]]
      no_progress();
  }
  // Runs every event with time < t, then sets now() to t (if t is later).
  void run_until(Time t);
  // Runs until no event is pending.
  void run();

 private:
  static constexpr std::uint64_t kResume = ~std::uint64_t{0};
  // A resume scheduled on lane L has arg kLaneBase | L.
  static constexpr std::uint64_t kLaneBase = std::uint64_t{1} << 63;
  static bool is_resume(std::uint64_t arg) { return arg >= kLaneBase; }
  static bool on_lane(std::uint64_t arg) { return is_resume(arg) && arg != kResume; }
  static constexpr std::size_t kArity = 4;
  struct Event {
    std::int64_t time;
    std::uint64_t seq;
    void* target;
    std::uint64_t arg;
  };
  static_assert(sizeof(Event) == 32);
  // Min-heap order: true when a should run after b.
  static bool later(const Event& a, const Event& b) {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }

  void push(const Event& e) {
    assert(e.time >= now_.count() && "events cannot be scheduled in the past");
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }
  // Removes and returns the earliest event; for a lane's, moves the lane's next into the heap.
  Event take_front();
  [[noreturn, gnu::cold, gnu::noinline]] void no_progress();
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);

  // The lane's events after its earliest (which is in the heap), in (time, seq) order: a ring
  // that grows by doubling and is reused, so its slots stay in the cache (a deque's blocks
  // come and go through malloc).
  struct LaneQueue {
    std::vector<Event> ring;  // capacity a power of two
    std::size_t first = 0, size = 0;
    bool head_in_heap = false;
    std::int64_t last_time = 0;  // of the lane's latest event

    void push_back(const Event& e) {
      if (size == ring.size()) grow();
      ring[(first + size++) & (ring.size() - 1)] = e;
    }
    Event pop_front() {
      const Event e = ring[first];
      first = (first + 1) & (ring.size() - 1);
      --size;
      return e;
    }
    void grow();
  };
  std::vector<Event> heap_;
  std::vector<LaneQueue> lanes_;
  std::size_t lane_waiting_ = 0;
  Time now_{0};
  std::uint64_t next_seq_ = 0;
  std::uint64_t processed_ = 0;
  std::uint64_t stall_limit_ = kDefaultStallLimit;
  std::uint64_t watch_interval_ = 1 << 16;  // a power of two <= stall_limit_ / 2
  Time watched_time_{0};                    // now() at the last watch_progress
  std::uint64_t stalled_ = 0;               // events since the clock last moved (a lower bound)
};

}  // namespace likesim
