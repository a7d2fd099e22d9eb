#include "engine/backends/sim/postgres_server.h"

#include <algorithm>

namespace likesim::sim {
namespace {

// Row ids in the lock table: counter rows by post, offset rows in a separate range.
constexpr std::uint64_t counter_row(PostId post) { return post; }
constexpr std::uint64_t offset_row(std::uint32_t partition) {
  return (std::uint64_t{1} << 40) | partition;
}

}  // namespace

PostgresServer::PostgresServer(Scheduler& s, const PostgresCosts& costs, std::uint64_t seed)
    : sched_(&s),
      costs_(costs),
      rng_(seed, "postgres.service"),
      connections_(static_cast<std::size_t>(std::max(1, costs.pool_size)), 0),
      cpus_(static_cast<std::size_t>(std::max(1, costs.cpu_cores)), 0) {}

Time PostgresServer::claim(std::vector<std::int64_t>& pool, Time ready, Duration cost) {
  auto it = std::min_element(pool.begin(), pool.end());
  const Time start = std::max(ready, Time(*it));
  *it = (start + cost).count();
  return start + cost;
}

Duration PostgresServer::draw(double us) {
  if (costs_.distribution == ServiceDistribution::exponential) us = rng_.exponential(us);
  return from_micros(us);
}

Duration PostgresServer::cost_of(const DbStatement& s) const {
  switch (s.verb) {
    case DbVerb::insert_like:
    case DbVerb::delete_like:
    case DbVerb::insert_like_and_increment:
    case DbVerb::delete_like_and_decrement:
      return from_micros(costs_.insert_us);
    case DbVerb::count_likes: {
      auto it = like_rows_.find(s.post);
      const double rows = it == like_rows_.end() ? 0.0 : static_cast<double>(it->second);
      return from_micros(costs_.count_base_us + rows * costs_.count_per_row_ns / 1000.0);
    }
    default:
      return from_micros(costs_.statement_us);
  }
}

std::int64_t PostgresServer::apply(const DbStatement& s, bool& locks_row) {
  locks_row = false;
  const std::uint64_t like = pack_like(s.post, s.user);
  switch (s.verb) {
    case DbVerb::insert_like: {
      const bool added = likes_.insert(like).second;
      if (added) ++like_rows_[s.post];
      return added;
    }
    case DbVerb::delete_like: {
      const bool removed = likes_.erase(like) > 0;
      if (removed) --like_rows_[s.post];
      return removed;
    }
    case DbVerb::like_exists:
      return likes_.contains(like);
    case DbVerb::count_likes: {
      auto it = like_rows_.find(s.post);
      return it == like_rows_.end() ? 0 : it->second;
    }
    case DbVerb::counter_add:
      locks_row = true;
      return counters_[s.post] += s.arg;
    case DbVerb::counter_read: {
      auto it = counters_.find(s.post);
      return it == counters_.end() ? 0 : it->second;
    }
    case DbVerb::insert_like_and_increment: {
      const bool added = likes_.insert(like).second;
      if (added) {
        ++like_rows_[s.post];
        ++counters_[s.post];
        locks_row = true;
      }
      return added;
    }
    case DbVerb::delete_like_and_decrement: {
      const bool removed = likes_.erase(like) > 0;
      if (removed) {
        --like_rows_[s.post];
        --counters_[s.post];
        locks_row = true;
      }
      return removed;
    }
    case DbVerb::advance_offset: {
      std::int64_t& next = offsets_[s.post];
      locks_row = true;
      if (next >= s.arg) return 0;
      next = s.arg;
      return 1;
    }
  }
  return 0;
}

// Group commit: a flush covers every commit ready when it starts; a commit ready during a
// flush waits for the next one, which starts when the current one ends.
Time PostgresServer::commit(Time ready) {
  if (!costs_.synchronous_commit) return ready;
  const Duration flush = from_micros(costs_.wal_flush_us);
  if (ready >= flush_end_) {
    flush_start_ = ready;
    flush_end_ = ready + flush;
    ++stats_.flushes;
  } else if (ready > flush_start_) {
    flush_start_ = flush_end_;
    flush_end_ = flush_start_ + flush;
    ++stats_.flushes;
  }
  return flush_end_;
}

void PostgresServer::submit(DbCall* call) {
  const Time now = sched_->now();
  const Duration half_rtt = from_micros(costs_.rtt_us / 2);
  const Time arrival = now + half_rtt;

  // A connection from the pool, or `rejected` after pool_timeout_ms.
  auto conn = std::min_element(connections_.begin(), connections_.end());
  const Time conn_free(*conn);
  const Duration pool_timeout = from_millis(costs_.pool_timeout_ms);
  if (conn_free > arrival + pool_timeout) {
    for (std::uint32_t i = 0; i < call->n; ++i) call->replies[i] = {0, ReplyStatus::rejected};
    ++stats_.rejected;
    sched_->schedule_resume(now + pool_timeout, call->waiter);
    return;
  }
  Time t = std::max(arrival, conn_free);

  const bool guarded = call->kind == DbCallKind::guarded_transaction;
  bool wrote = false;
  bool skip = false;
  Duration contention{0};
  const double handoff_us =
      costs_.synchronous_commit ? costs_.lock_handoff_us : costs_.lock_handoff_async_us;
  locked_scratch_.clear();
  for (std::uint32_t i = 0; i < call->n; ++i) {
    const DbStatement& s = call->statements[i];
    if (skip) {
      call->replies[i] = {0, ReplyStatus::ok};
      continue;
    }
    const Duration cost = draw(static_cast<double>(cost_of(s).count()) / 1000.0);
    ++stats_.statements;
    stats_.cpu_busy_ns += cost.count();
    bool locks_row = false;
    const std::int64_t value = apply(s, locks_row);
    call->replies[i] = {value, ReplyStatus::ok};
    if (s.verb != DbVerb::like_exists && s.verb != DbVerb::count_likes &&
        s.verb != DbVerb::counter_read) {
      wrote = true;
    }
    const std::uint64_t row =
        s.verb == DbVerb::advance_offset ? offset_row(s.post) : counter_row(s.post);
    const bool new_lock = locks_row && std::find(locked_scratch_.begin(), locked_scratch_.end(),
                                                 row) == locked_scratch_.end();
    if (!new_lock) {
      t = claim(cpus_, t, cost);
    } else {
      // The row's update runs under its lock: what comes before it (inserting the like row)
      // runs first, the counter update (statement_us) after the lock is granted. The locked
      // part is charged as time, not claimed on a CPU, because it may start far in the future
      // behind the lock queue (claims are made in arrival order, see the header).
      const Duration locked_part = std::min(cost, draw(costs_.statement_us));
      t = claim(cpus_, t, cost - locked_part);
      const RowLockTable::Grant g = locks_.acquire(row, t);
      stats_.lock_wait.record(g.at - t);
      contention += from_micros(handoff_us * static_cast<double>(g.ahead));
      t = g.at + locked_part;
      locked_scratch_.push_back(row);
    }
    if (guarded && i == 0 && value == 0) skip = true;
  }
  if (wrote) {
    const Duration commit_cpu = from_micros(costs_.commit_cpu_us);
    stats_.cpu_busy_ns += commit_cpu.count();
    t = commit(t + commit_cpu + contention);
    ++stats_.transactions;
  }
  for (std::uint64_t row : locked_scratch_) locks_.release(row, t);
  stats_.max_lock_queue = locks_.max_queue();
  *conn = t.count();
  sched_->schedule_resume(t + half_rtt, call->waiter);
}

std::int64_t PostgresServer::peek_counter(PostId post) const {
  auto it = counters_.find(post);
  return it == counters_.end() ? 0 : it->second;
}

std::int64_t PostgresServer::peek_like_rows(PostId post) const {
  auto it = like_rows_.find(post);
  return it == like_rows_.end() ? 0 : it->second;
}

}  // namespace likesim::sim
