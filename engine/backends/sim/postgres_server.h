// sim::PostgresServer: a simulated PostgreSQL with the costs that matter for counting likes,
// run as events.
//
// A call (one statement, or a transaction) reaches the server after rtt/2 and waits for one
// of pool_size connections (the application's pool, FIFO; a wait over pool_timeout_ms is
// `rejected` unsent). Its statements then run in turn. Each queues for one of cpu_cores CPUs
// (FIFO) and runs its cost on it (COUNT(*) grows with the post's rows); between statements
// the CPU goes back to the queue, so a long transaction or feed page holds a connection, not
// the CPUs. A statement that writes a like row or a counter / offset row takes that row's lock
// when it reaches it (RowLockTable) and the transaction holds its locks to its end; a waiter
// sleeps without a CPU and, once granted, queues for a CPU again. A released counter / offset
// row goes to a waiter in random order (lock_grant = random, measured: cost_model.h) or the
// first (fifo); a like row to the first. Lock contention (lock_handoff_us per transaction
// ahead) is CPU work of the granted transaction inside its hold, so a saturated CPU lengthens
// every hold of a hot row (lock convoys). The commit costs commit_cpu_us of CPU and, with
// synchronous_commit on, waits for a WAL flush (group commit: one flush makes every commit
// waiting when it starts durable; they wake one after another, wal_wake_us each after the
// first, and the next flush starts after the last); then its writes become visible
// (PostgresTables), its locks pass on and the reply travels rtt/2 back.
// stats().cpu_busy_ns is the CPUs' busy time only: lock and WAL waits hold a connection.
//
// Visibility (READ COMMITTED): a read sees what was committed when its statement got a CPU,
// plus its own transaction's writes. An INSERT of a (post, user) another open transaction
// inserted or deleted waits for that transaction's end and then sees its outcome (ON CONFLICT
// DO NOTHING answers 0 after the other committed an insert); a DELETE does not see a row an
// open transaction inserted (answers 0 at once) and waits for one that is deleting it.
//
//   sim::PostgresServer pg(scheduler, costs.postgres, seed);
//   Db db(pg);
//   DbReply r = co_await db.run(DbStatement::insert_like_and_increment(post, user));
#pragma once

#include <coroutine>
#include <cstdint>
#include <deque>
#include <vector>

#include "absl/functional/function_ref.h"
#include "engine/backends/db.h"
#include "engine/backends/sim/cost_model.h"
#include "engine/backends/sim/postgres_tables.h"
#include "engine/backends/sim/row_lock_table.h"
#include "engine/backends/sim/slowdown.h"
#include "engine/core/random_stream.h"
#include "engine/core/scheduler.h"
#include "engine/metrics/latency_histogram.h"

namespace likesim::sim {

struct PostgresStats {
  std::int64_t cpu_busy_ns = 0;  // CPU time of statements, contention and commits
  std::uint64_t statements = 0;
  std::uint64_t transactions = 0;  // calls that wrote (committed or rolled back)
  std::uint64_t rejected = 0;
  std::uint64_t flushes = 0;
  LatencyHistogram lock_wait;  // µs a transaction waited for a counter / offset row lock
  std::size_t max_lock_queue = 0;
};

class PostgresServer final : public DbExecutor, private EventHandler {
 public:
  PostgresServer(Scheduler& s, const PostgresCosts& costs, std::uint64_t seed);

  void submit(DbCall* call) override;

  // A backend_slowdown fault: CPU costs, WAL flushes and contention are `factor` times longer
  // in [from, until), from when each is drawn (a statement's cost when it is issued; round trips
  // are not slowed).
  void slow_down(Time from, Time until, double factor) { slowdowns_.add(from, until, factor); }

  const PostgresStats& stats() const { return stats_; }
  int cpu_cores() const { return cpu_cores_; }
  // Pooled connections busy now (t is the scheduler's now: the server keeps no history).
  std::size_t busy_connections(Time t) const {
    (void)t;
    return static_cast<std::size_t>(pool_size_ - free_connections_);
  }

  // Committed state without cost, for tests and checks (after a drain everything is
  // committed).
  std::int64_t peek_counter(PostId post) const { return tables_.counter(post); }
  std::int64_t peek_like_rows(PostId post) const { return tables_.like_rows(post); }
  bool peek_like(PostId post, UserId user) const { return tables_.like(post, user); }
  // Every like_counts row and every likes row, in no particular order: the final check reads
  // the server's own state through these, never through a strategy.
  void for_each_counter(absl::FunctionRef<void(PostId, std::int64_t)> f) const {
    tables_.for_each_counter(f);
  }
  void for_each_likers(absl::FunctionRef<void(PostId, const UserSet&)> f) const {
    tables_.for_each_likers(f);
  }
  void order_users(UserOrder order) { tables_.order_users(order); }

 private:
  static constexpr std::uint32_t kNone = RowLockTable::kNone;
  // What a transaction's current CPU slice is.
  enum class Slice : std::uint8_t { statement, before_lock, locked, commit };
  enum class WaitsIn : std::uint8_t { nothing, row_locks, like_locks };
  // One call on the server, in a slot reused by later calls (no allocation per call once the
  // slots and their vectors have grown). A slot is aligned to a cache line and what new_txn
  // and submit write (everything before the vectors) fills its first, so a call the pool
  // rejects touches one line.
  struct alignas(64) Txn {
    DbCall* call = nullptr;
    std::uint32_t stmt = 0;      // the statement running or next
    std::uint32_t next = kNone;  // link in the one queue it waits in (CPU, WAL group)
    Slice slice = Slice::statement;
    bool commits = false;  // ran a write statement: pays a commit
    bool aborted = false;  // a guard answered 0: the rest is skipped and nothing is applied
    WaitsIn waits_in = WaitsIn::nothing;  // the lock table it waits in, for waits_for
    std::int64_t value = 0;               // the current statement's answer, once known
    Duration cost{0};                     // the current statement's CPU, drawn when it starts
    Duration half_rtt{0};                 // each way, drawn when the call is sent
    Duration locked{0};                   // its part under the row lock, with the contention
    std::int64_t lock_asked_ns = 0;
    std::uint64_t waits_for = 0;
    std::vector<PgWrite> writes;            // applied at commit, dropped on rollback
    std::vector<std::uint64_t> rows_held;   // counter / offset rows (row_locks_)
    std::vector<std::uint64_t> likes_held;  // like rows (like_locks_)
  };
  struct TxnList {
    std::uint32_t head = kNone, tail = kNone;
    bool empty() const { return head == kNone; }
  };
  enum EventKind : std::uint64_t { kArrive, kCpuDone, kFlushDone, kPoolTimer, kWoken, kWalFree };

  void on_event(std::uint64_t arg) override;
  Duration draw(double us);        // a statement's CPU
  Duration draw_other(double us);  // flush, commit CPU, contention
  Duration cost_of(const DbStatement& s) const;

  // The transaction state machine (postgres_server.cpp).
  void arrive(std::uint32_t id);
  void start_statement(std::uint32_t id);
  void decide_like_write(std::uint32_t id);
  void like_granted(std::uint32_t id);
  void pass_like_row(std::uint64_t key);
  void after_like_row(std::uint32_t id);
  void ask_row_lock(std::uint32_t id, bool on_cpu);
  void row_granted(std::uint32_t id);
  void apply_locked_write(std::uint32_t id);
  Duration slice_length(std::uint32_t id);
  void slice_done(std::uint32_t id);
  void statement_done(std::uint32_t id);
  bool deadlocks(std::uint32_t id, std::uint32_t holder) const;
  void fail(std::uint32_t id);
  void finish(std::uint32_t id);

  // Resources (postgres_resources.cpp): the pool, the CPUs, the WAL.
  void pool_timer();
  void release_connection();
  void ask_cpu(std::uint32_t id, Slice slice);
  void start_slice(std::uint32_t id);
  void keep_cpu(std::uint32_t id, Slice slice, Duration d);
  void yield_cpu();
  void wait_for_flush(std::uint32_t id);
  void start_flush();
  void flush_done();
  void wal_free();

  std::uint32_t new_txn(DbCall* call);
  void free_txn(std::uint32_t id);
  void push(TxnList& list, std::uint32_t id);
  std::uint32_t pop(TxnList& list);
  std::uint64_t event(std::uint32_t id, EventKind kind) const {
    return (std::uint64_t{id} << 3) | kind;
  }

  Scheduler* sched_;
  PostgresCosts costs_;
  RandomStream rng_;
  RandomStream rtt_rng_;   // round trips: their own stream, so drawing them moves no service draw
  RandomStream lock_rng_;  // which waiter a released row goes to, likewise
  int pool_size_;
  int cpu_cores_;
  double handoff_us_;
  std::vector<Txn> txns_;
  std::vector<std::uint32_t> free_txns_;
  int free_connections_;
  // The calls waiting for a connection, oldest first. Apart from the transactions, in one
  // contiguous queue: with ~100 k calls waiting (a saturated pool, 1 s timeouts), a timer
  // that reads only this queue, not each waiter's transaction, stays in the cache.
  struct PoolWaiter {
    std::int64_t deadline_ns;
    std::uint32_t id;
    std::coroutine_handle<> waiter;
  };
  std::deque<PoolWaiter> pool_queue_;
  // The waiters one pool_timer() turns away, and the sequence numbers of their resumes.
  struct TimedOut {
    std::uint64_t seq;
    std::coroutine_handle<> waiter;
  };
  std::vector<TimedOut> timed_out_;
  bool pool_timer_armed_ = false;
  int free_cpus_;
  TxnList cpu_queue_;
  bool flushing_ = false;    // a flush, or the wake-ups of the commits it made durable, runs
  TxnList flush_group_;      // commits the running flush makes durable
  TxnList next_group_;       // commits waiting for the next flush
  RowLockTable row_locks_;   // like_counts and consumer_offsets rows
  RowLockTable like_locks_;  // likes rows, by pack_like(post, user)
  PostgresTables tables_;
  PostgresStats stats_;
  Slowdowns slowdowns_;
};

}  // namespace likesim::sim
