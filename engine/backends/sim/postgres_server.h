// sim::PostgresServer: a simulated PostgreSQL with the costs that matter for counting likes.
//
// A call (one statement, or a transaction) reaches the server after rtt/2 and waits for one
// of pool_size connections (the application's pool; a wait over pool_timeout_ms is `rejected`
// unsent). Each statement then needs one of cpu_cores CPUs for its cost (COUNT(*) grows with
// the post's rows). A write to a counter row takes that row's lock (RowLockTable, FIFO) and
// holds it until the commit, paying lock_handoff_us per transaction queued ahead; the commit
// costs commit_cpu_us and, with synchronous_commit on, waits for a WAL flush shared by every
// commit ready when it starts (group commit). The reply travels rtt/2 back.
//
// Like sim::RedisCluster, the timeline of a call is computed when it arrives (resources are
// claimed in arrival order, effects applied in that order), so a call costs one event.
//
//   sim::PostgresServer pg(scheduler, costs.postgres, seed);
//   Db db(pg);
//   DbReply r = co_await db.run(DbStatement::insert_like_and_increment(post, user));
#pragma once

#include <cstdint>
#include <map>
#include <queue>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "engine/backends/db.h"
#include "engine/backends/sim/cost_model.h"
#include "engine/backends/sim/row_lock_table.h"
#include "engine/core/random_stream.h"
#include "engine/core/scheduler.h"
#include "engine/metrics/latency_histogram.h"

namespace likesim::sim {

struct PostgresStats {
  std::int64_t cpu_busy_ns = 0;
  std::uint64_t statements = 0;
  std::uint64_t transactions = 0;
  std::uint64_t rejected = 0;
  std::uint64_t flushes = 0;
  LatencyHistogram lock_wait;  // µs a transaction waited for a row lock
  std::size_t max_lock_queue = 0;
};

class PostgresServer final : public DbExecutor {
 public:
  PostgresServer(Scheduler& s, const PostgresCosts& costs, std::uint64_t seed);

  void submit(DbCall* call) override;

  const PostgresStats& stats() const { return stats_; }
  int cpu_cores() const { return static_cast<int>(cpus_.size()); }
  // Pooled connections busy (or claimed) at time t.
  std::size_t busy_connections(Time t) const {
    std::size_t n = 0;
    for (std::int64_t free_at : connections_) n += free_at > t.count();
    return n;
  }

  // State without cost, for tests and checks.
  std::int64_t peek_counter(PostId post) const;
  std::int64_t peek_like_rows(PostId post) const;
  bool peek_like(PostId post, UserId user) const { return likes_.contains(pack_like(post, user)); }
  // Every like_counts row and every likes row, in no particular order: the final check reads
  // the server's own state through these, never through a strategy.
  void for_each_counter(absl::FunctionRef<void(PostId, std::int64_t)> f) const;
  void for_each_like(absl::FunctionRef<void(PostId, UserId)> f) const;

 private:
  // Claims the earliest-free server of `pool` from `ready` for `cost`; returns the end.
  static Time claim(std::vector<std::int64_t>& pool, Time ready, Duration cost);
  Duration cost_of(const DbStatement& s) const;
  Duration draw(double us);
  // Applies a statement's effect; returns its reply value and whether it wrote a counter row.
  std::int64_t apply(const DbStatement& s, bool& locks_row);
  Time commit(Time ready);
  // A read statement's value as of its snapshot at `at` (READ COMMITTED: a statement sees what
  // was committed when it started): `value` read from the current data, minus the writes applied
  // to it (in arrival order) whose transactions commit after `at`.
  std::int64_t committed_view(const DbStatement& s, std::int64_t value, Time at) const;
  void forget_committed(Time now);

  Scheduler* sched_;
  PostgresCosts costs_;
  RandomStream rng_;
  std::vector<std::int64_t> connections_;  // free-at time of each pooled connection
  std::vector<std::int64_t> cpus_;         // free-at time of each CPU
  RowLockTable locks_;
  // WAL flushes planned and not yet over, start -> end (ns). They never overlap.
  std::map<std::int64_t, std::int64_t> flushes_;
  absl::flat_hash_set<std::uint64_t> likes_;
  absl::flat_hash_map<PostId, std::int64_t> like_rows_;
  absl::flat_hash_map<PostId, std::int64_t> counters_;
  absl::flat_hash_map<std::uint32_t, std::int64_t> offsets_;
  std::vector<std::uint64_t> locked_scratch_;
  // Writes applied but not committed yet, per post (a call's effects are applied when it
  // arrives, its commit comes later). Posts with none have no entry; one pending write lives
  // inline, so a cold post's write allocates nothing.
  struct Uncommitted {
    std::int64_t commit_ns = 0;
    UserId user = 0;
    std::int32_t row_delta = 0;  // +1 inserted like row, -1 deleted
    std::int64_t counter_delta = 0;
  };
  absl::flat_hash_map<PostId, absl::InlinedVector<Uncommitted, 1>> uncommitted_;
  // (commit time, post) of every pending entry, a min-heap: forget_committed() drops entries
  // once their commit time has passed.
  std::vector<std::pair<std::int64_t, PostId>> uncommitted_heap_;
  std::vector<std::pair<PostId, Uncommitted>> call_writes_scratch_;
  PostgresStats stats_;
};

}  // namespace likesim::sim
