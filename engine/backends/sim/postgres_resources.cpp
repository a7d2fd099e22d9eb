// What sim::PostgresServer's transactions queue for: a pooled connection, a CPU, a WAL flush;
// and the transaction slots themselves. Every queue is FIFO. The CPU and WAL queues are linked
// through Txn::next (a transaction waits in at most one at a time), so they allocate nothing;
// the pool's is a deque of its own (postgres_server.h: PoolWaiter).
#include <algorithm>
#include <cassert>

#include "engine/backends/sim/postgres_server.h"
#include "engine/core/frame_pool.h"

namespace likesim::sim {

std::uint32_t PostgresServer::new_txn(DbCall* call) {
  std::uint32_t id;
  if (free_txns_.empty()) {
    id = static_cast<std::uint32_t>(txns_.size());
    txns_.emplace_back();
  } else {
    id = free_txns_.back();
    free_txns_.pop_back();
  }
  Txn& t = txns_[id];
  t.call = call;
  t.stmt = 0;
  t.next = kNone;
  t.commits = false;
  t.aborted = false;
  t.value = 0;
  t.waits_in = WaitsIn::nothing;
  return id;
}

void PostgresServer::free_txn(std::uint32_t id) {
  Txn& t = txns_[id];
  t.call = nullptr;
  t.writes.clear();  // keeps the capacity for the slot's next call
  t.rows_held.clear();
  t.likes_held.clear();
  free_txns_.push_back(id);
}

void PostgresServer::push(TxnList& list, std::uint32_t id) {
  txns_[id].next = kNone;
  if (list.tail == kNone) {
    list.head = id;
  } else {
    txns_[list.tail].next = id;
  }
  list.tail = id;
}

std::uint32_t PostgresServer::pop(TxnList& list) {
  const std::uint32_t id = list.head;
  list.head = txns_[id].next;
  if (list.head == kNone) list.tail = kNone;
  txns_[id].next = kNone;
  return id;
}

// ---- the connection pool ------------------------------------------------------------------

void PostgresServer::arrive(std::uint32_t id) {
  if (free_connections_ > 0) {
    --free_connections_;
    start_statement(id);
    return;
  }
  const std::int64_t deadline = (sched_->now() + from_millis(costs_.pool_timeout_ms)).count();
  pool_queue_.push_back(PoolWaiter{deadline, id, txns_[id].call->waiter});
  if (!pool_timer_armed_) {
    pool_timer_armed_ = true;
    sched_->schedule(Time(deadline), this, event(0, kPoolTimer));
  }
}

// Every waiter has the same timeout, so they time out in queue order: one timer, for the
// head. A timer armed for a head that got its connection since just re-arms for the new head.
void PostgresServer::pool_timer() {
  pool_timer_armed_ = false;
  const std::int64_t now = sched_->now().count();
  while (!pool_queue_.empty() && pool_queue_.front().deadline_ns <= now) {
    const PoolWaiter w = pool_queue_.front();
    pool_queue_.pop_front();
    ++stats_.rejected;
    // It never ran a statement (a call leaves this queue only to run or to be rejected), so
    // its slot's vectors are still empty: back to the free list without free_txn touching the
    // slot, a second cold by now.
    assert(txns_[w.id].writes.empty() && txns_[w.id].rows_held.empty() &&
           txns_[w.id].likes_held.empty());
    free_txns_.push_back(w.id);
    // Its replies say rejected (submit). It resumes now, with the sequence number its resume
    // event takes here.
    timed_out_.push_back(TimedOut{sched_->reserve_seq(), w.waiter});
  }
  if (!pool_queue_.empty()) {
    pool_timer_armed_ = true;
    const PoolWaiter& head = pool_queue_.front();
    sched_->schedule(Time(head.deadline_ns), this, event(0, kPoolTimer));
    // The next to time out was last touched a second ago: start loading its transaction and
    // its frame now.
    __builtin_prefetch(&txns_[head.id]);
    __builtin_prefetch(head.waiter.address());
    // And further on, in two steps: a waiter's own entry in the queue is as cold as its frame,
    // and reading it to find the frame would wait for memory. The entry kFar ahead is loaded
    // now; the frames of the one kNear ahead (FramePool::prefetch_request), whose entry was
    // loaded kFar - kNear timeouts ago, too.
    constexpr std::size_t kNear = 8, kFar = 32;
    if (pool_queue_.size() > kFar) __builtin_prefetch(&pool_queue_[kFar]);
    if (pool_queue_.size() > kNear) {
      FramePool::prefetch_request(pool_queue_[kNear].waiter.address());
    }
  }
  // When nothing else is due at this instant (nearly always: the pool turns away ~130 k calls
  // a second under the celebrity burst, each at its own nanosecond), no event could run
  // between this one and their resumes: they run here, in the order and with the sequence
  // numbers their events would have had, and skip the heap (a push and a pop each).
  const bool in_place = sched_->nothing_due_now();
  for (const TimedOut& t : timed_out_) {
    if (in_place) {
      t.waiter.resume();
    } else {
      sched_->schedule_resume_reserved(Time(now), t.seq, t.waiter);
    }
  }
  timed_out_.clear();
}

void PostgresServer::release_connection() {
  if (pool_queue_.empty()) {
    ++free_connections_;
  } else {
    const std::uint32_t id = pool_queue_.front().id;
    pool_queue_.pop_front();
    start_statement(id);
  }
}

// ---- the CPUs -----------------------------------------------------------------------------

void PostgresServer::ask_cpu(std::uint32_t id, Slice slice) {
  txns_[id].slice = slice;
  if (free_cpus_ > 0) {
    --free_cpus_;
    start_slice(id);
  } else {
    push(cpu_queue_, id);
  }
}

void PostgresServer::start_slice(std::uint32_t id) {
  const Duration d = slice_length(id);
  stats_.cpu_busy_ns += d.count();
  sched_->schedule(sched_->now() + d, this, event(id, kCpuDone));
}

// The transaction goes on with the CPU it has (no wait in between, nothing to yield for).
void PostgresServer::keep_cpu(std::uint32_t id, Slice slice, Duration d) {
  txns_[id].slice = slice;
  stats_.cpu_busy_ns += d.count();
  sched_->schedule(sched_->now() + d, this, event(id, kCpuDone));
}

void PostgresServer::yield_cpu() {
  if (cpu_queue_.empty()) {
    ++free_cpus_;
  } else {
    start_slice(pop(cpu_queue_));
  }
}

// ---- the WAL ------------------------------------------------------------------------------

// Group commit: one WAL writer; a commit that finds it idle starts a flush at once, one that
// finds it flushing waits for the next flush, which starts when this one ends and makes every
// commit waiting then durable.
void PostgresServer::wait_for_flush(std::uint32_t id) {
  push(next_group_, id);
  if (!flushing_) start_flush();
}

void PostgresServer::start_flush() {
  flush_group_ = next_group_;
  next_group_ = TxnList{};
  flushing_ = true;
  ++stats_.flushes;
  sched_->schedule(sched_->now() + draw_other(costs_.wal_flush_us), this, event(0, kFlushDone));
}

void PostgresServer::flush_done() {
  TxnList durable = flush_group_;
  flush_group_ = TxnList{};
  if (costs_.wal_wake_us <= 0) {
    wal_free();
    while (!durable.empty()) finish(pop(durable));
    return;
  }
  // One after another, the first at once (one client's flush, measured, holds its own
  // wake-up); the WAL stays busy until the last is awake.
  Time at = sched_->now();
  finish(pop(durable));
  while (!durable.empty()) {
    at += draw_other(costs_.wal_wake_us);
    sched_->schedule(at, this, event(pop(durable), kWoken));
  }
  sched_->schedule(at, this, event(0, kWalFree));
}

void PostgresServer::wal_free() {
  flushing_ = false;
  if (!next_group_.empty()) start_flush();
}

}  // namespace likesim::sim
