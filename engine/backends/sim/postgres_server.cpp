#include "engine/backends/sim/postgres_server.h"

#include <algorithm>
#include <iterator>

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
  return from_micros(draw_service_us(costs_.distribution, costs_.service_shape, us, rng_));
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

// Group commit: a commit is durable at the end of the first WAL flush that starts when it is
// ready or later, and every commit ready when a flush starts shares it; flushes never overlap
// (one WAL writer). Calls are computed in arrival order but their commits are not ready in
// time order (one queued behind a hot row lock is ready far in the future), so a commit may
// fall before or between flushes already planned: it starts its own flush when the WAL is
// idle for one flush time, and otherwise joins the next planned flush.
Time PostgresServer::commit(Time ready) {
  if (!costs_.synchronous_commit) return ready;
  const std::int64_t flush = from_micros(costs_.wal_flush_us).count();
  // A flush over by now can be neither joined nor waited for (every later commit is ready
  // after now).
  const std::int64_t now = sched_->now().count();
  while (!flushes_.empty() && flushes_.begin()->second <= now) flushes_.erase(flushes_.begin());
  std::int64_t start = ready.count();
  auto next = flushes_.lower_bound(start);  // the first flush starting at or after `ready`
  if (next != flushes_.begin() && std::prev(next)->second > start) {
    start = std::prev(next)->second;  // a flush in progress does not cover it: wait its end
    next = flushes_.lower_bound(start);
  }
  if (next != flushes_.end() && next->first < start + flush) return Time(next->second);
  flushes_.emplace(start, start + flush);
  ++stats_.flushes;
  return Time(start + flush);
}

std::int64_t PostgresServer::committed_view(const DbStatement& s, std::int64_t value,
                                            Time at) const {
  auto it = uncommitted_.find(s.post);
  if (it == uncommitted_.end()) return value;
  for (const Uncommitted& u : it->second) {
    if (u.commit_ns <= at.count()) continue;
    switch (s.verb) {
      case DbVerb::like_exists:
        if (u.user == s.user) value -= u.row_delta;
        break;
      case DbVerb::count_likes:
        value -= u.row_delta;
        break;
      case DbVerb::counter_read:
        value -= u.counter_delta;
        break;
      default:
        break;
    }
  }
  return value;
}

void PostgresServer::forget_committed(Time now) {
  auto later = [](const auto& a, const auto& b) { return a.first > b.first; };
  while (!uncommitted_heap_.empty() && uncommitted_heap_.front().first <= now.count()) {
    const PostId post = uncommitted_heap_.front().second;
    std::pop_heap(uncommitted_heap_.begin(), uncommitted_heap_.end(), later);
    uncommitted_heap_.pop_back();
    auto it = uncommitted_.find(post);
    if (it == uncommitted_.end()) continue;
    auto& v = it->second;
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const Uncommitted& u) { return u.commit_ns <= now.count(); }),
            v.end());
    if (v.empty()) uncommitted_.erase(it);
  }
}

void PostgresServer::submit(DbCall* call) {
  const Time now = sched_->now();
  forget_committed(now);
  const Duration half_rtt =
      from_micros(draw_rtt_us(costs_.distribution, costs_.rtt_shape, costs_.rtt_us, rng_) / 2);
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
  // Set once the call has waited for a row lock: its later statements run after the grant,
  // possibly far in the future, and claiming a CPU there would mark it busy meanwhile for
  // every call that arrives later (claims are made in arrival order); they are charged as
  // time instead, like the locked part.
  bool after_lock_wait = false;
  Duration contention{0};
  const double handoff_us =
      costs_.synchronous_commit ? costs_.lock_handoff_us : costs_.lock_handoff_async_us;
  locked_scratch_.clear();
  call_writes_scratch_.clear();
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
    const bool is_read = s.verb == DbVerb::like_exists || s.verb == DbVerb::count_likes ||
                         s.verb == DbVerb::counter_read;
    // A write that changed a post's rows or counter stays invisible to other statements until
    // its transaction commits (counter_add answers the new value, which may be 0).
    if (value != 0 || s.verb == DbVerb::counter_add) {
      switch (s.verb) {
        case DbVerb::insert_like:
          call_writes_scratch_.push_back({s.post, {0, s.user, +1, 0}});
          break;
        case DbVerb::delete_like:
          call_writes_scratch_.push_back({s.post, {0, s.user, -1, 0}});
          break;
        case DbVerb::insert_like_and_increment:
          call_writes_scratch_.push_back({s.post, {0, s.user, +1, +1}});
          break;
        case DbVerb::delete_like_and_decrement:
          call_writes_scratch_.push_back({s.post, {0, s.user, -1, -1}});
          break;
        case DbVerb::counter_add:
          if (s.arg != 0) call_writes_scratch_.push_back({s.post, {0, 0, 0, s.arg}});
          break;
        default:
          break;
      }
    }
    if (s.verb != DbVerb::like_exists && s.verb != DbVerb::count_likes &&
        s.verb != DbVerb::counter_read) {
      wrote = true;
    }
    const std::uint64_t row =
        s.verb == DbVerb::advance_offset ? offset_row(s.post) : counter_row(s.post);
    const bool new_lock = locks_row && std::find(locked_scratch_.begin(), locked_scratch_.end(),
                                                 row) == locked_scratch_.end();
    if (!new_lock) {
      const Time end = after_lock_wait ? t + cost : claim(cpus_, t, cost);
      if (is_read) call->replies[i].value = committed_view(s, value, end - cost);
      t = end;
    } else {
      // The row's update runs under its lock: what comes before it (inserting the like row)
      // runs first, the counter update (statement_us) after the lock is granted. The locked
      // part is charged as time, not claimed on a CPU, because it may start far in the future
      // behind the lock queue (claims are made in arrival order, see the header).
      const Duration locked_part = std::min(cost, draw(costs_.statement_us));
      t = after_lock_wait ? t + (cost - locked_part) : claim(cpus_, t, cost - locked_part);
      const RowLockTable::Grant g = locks_.acquire(row, t);
      stats_.lock_wait.record(g.at - t);
      if (g.at > t) after_lock_wait = true;
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
  for (auto& [post, u] : call_writes_scratch_) {
    u.commit_ns = t.count();
    uncommitted_[post].push_back(u);
    uncommitted_heap_.emplace_back(t.count(), post);
    std::push_heap(uncommitted_heap_.begin(), uncommitted_heap_.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  }
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

void PostgresServer::for_each_counter(absl::FunctionRef<void(PostId, std::int64_t)> f) const {
  for (const auto& [post, n] : counters_) f(post, n);
}

void PostgresServer::for_each_like(absl::FunctionRef<void(PostId, UserId)> f) const {
  for (const std::uint64_t like : likes_) f(unpack_like_post(like), unpack_like_user(like));
}

}  // namespace likesim::sim
