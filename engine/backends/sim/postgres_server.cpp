// The transaction state machine of sim::PostgresServer: a call's statements, their row locks,
// what they read and write, and its end. The resources it queues for (connections, CPUs, the
// WAL) are in postgres_resources.cpp.
#include "engine/backends/sim/postgres_server.h"

#include <algorithm>
#include <cmath>

namespace likesim::sim {
namespace {

// Row ids in row_locks_: counter rows by post, offset rows in a separate range.
constexpr std::uint64_t counter_row(PostId post) { return post; }
constexpr std::uint64_t offset_row(std::uint32_t partition) {
  return (std::uint64_t{1} << 40) | partition;
}

bool is_read(DbVerb v) {
  return v == DbVerb::like_exists || v == DbVerb::count_likes || v == DbVerb::counter_read;
}
bool inserts_like(DbVerb v) {
  return v == DbVerb::insert_like || v == DbVerb::insert_like_and_increment;
}
bool writes_like_row(DbVerb v) {
  return inserts_like(v) || v == DbVerb::delete_like || v == DbVerb::delete_like_and_decrement;
}
std::uint64_t row_of(const DbStatement& s) {
  return s.verb == DbVerb::advance_offset ? offset_row(s.post) : counter_row(s.post);
}
bool holds(const std::vector<std::uint64_t>& held, std::uint64_t row) {
  return std::find(held.begin(), held.end(), row) != held.end();
}

}  // namespace

PostgresServer::PostgresServer(Scheduler& s, const PostgresCosts& costs, std::uint64_t seed)
    : sched_(&s),
      costs_(costs),
      rng_(seed, "postgres.service"),
      rtt_rng_(seed, "postgres.rtt"),
      lock_rng_(seed, "postgres.lock_grant"),
      pool_size_(std::max(1, costs.pool_size)),
      cpu_cores_(std::max(1, costs.cpu_cores)),
      handoff_us_(costs.synchronous_commit ? costs.lock_handoff_us : costs.lock_handoff_async_us),
      free_connections_(pool_size_),
      free_cpus_(cpu_cores_) {}

Duration PostgresServer::draw(double us) {
  return slowdowns_.stretch(
      sched_->now(),
      from_micros(draw_service_us(costs_.distribution, costs_.service_shape, us, rng_)));
}

// The measured service shape is a statement's (like_exists minus SELECT 1): the WAL flush,
// commit CPU and lock contention keep their means under `empirical` (exponential still
// spreads them, as it always has).
Duration PostgresServer::draw_other(double us) {
  return slowdowns_.stretch(
      sched_->now(), from_micros(draw_service_us(costs_.distribution, EmpiricalShape{}, us, rng_)));
}

Duration PostgresServer::cost_of(const DbStatement& s) const {
  switch (s.verb) {
    case DbVerb::insert_like:
    case DbVerb::delete_like:
    case DbVerb::insert_like_and_increment:
    case DbVerb::delete_like_and_decrement:
      return from_micros(costs_.insert_us);
    case DbVerb::count_likes: {
      const double rows = static_cast<double>(tables_.like_rows(s.post));
      return from_micros(costs_.count_base_us + rows * costs_.count_per_row_ns / 1000.0);
    }
    default:
      return from_micros(costs_.statement_us);
  }
}

void PostgresServer::submit(DbCall* call) {
  // One round trip drawn per call (its measured shape under `empirical`), half each way.
  const Duration half_rtt =
      from_micros(draw_rtt_us(costs_.distribution, costs_.rtt_shape, costs_.rtt_us, rtt_rng_) / 2);
  const std::uint32_t id = new_txn(call);
  txns_[id].half_rtt = half_rtt;
  // Answered `rejected` unless it gets a connection (every statement's reply is written when
  // it runs): a call the pool times out is answered without touching the caller's frame, long
  // gone from the cache after a second in the queue.
  for (std::uint32_t i = 0; i < call->n; ++i) call->replies[i] = {0, ReplyStatus::rejected};
  sched_->schedule(sched_->now() + half_rtt, this, event(id, kArrive));
}

void PostgresServer::on_event(std::uint64_t arg) {
  const auto id = static_cast<std::uint32_t>(arg >> 3);
  switch (static_cast<EventKind>(arg & 7)) {
    case kArrive:
      arrive(id);
      break;
    case kCpuDone:
      slice_done(id);
      break;
    case kFlushDone:
      flush_done();
      break;
    case kPoolTimer:
      pool_timer();
      break;
    case kWoken:
      finish(id);
      break;
    case kWalFree:
      wal_free();
      break;
  }
}

// The transaction has its connection and statement t.stmt (< n) is next. A write of a like
// row first settles who owns that row.
void PostgresServer::start_statement(std::uint32_t id) {
  Txn& t = txns_[id];
  const DbStatement& s = t.call->statements[t.stmt];
  ++stats_.statements;
  if (!is_read(s.verb)) t.commits = true;
  if (writes_like_row(s.verb)) {
    const std::uint64_t key = pack_like(s.post, s.user);
    if (!holds(t.likes_held, key) && like_locks_.holder(key) != kNone) {
      // Another open transaction inserted or deleted this (post, user). An INSERT must wait
      // for its end to know whether the key is taken; a DELETE waits only for a row it can
      // see (committed, being deleted): a row inserted by an open transaction is invisible.
      if (inserts_like(s.verb) || tables_.like(s.post, s.user)) {
        if (deadlocks(id, like_locks_.holder(key))) {
          fail(id);
          return;
        }
        std::size_t ahead = 0;
        like_locks_.acquire(key, id, ahead);
        t.waits_in = WaitsIn::like_locks;
        t.waits_for = key;
        return;  // like_granted() continues
      }
    }
    decide_like_write(id);
  }
  after_like_row(id);
}

// Decides a like-row write against the committed row and the transaction's own writes. The
// row is free, the transaction's, or just granted to it; the transaction keeps it (in
// likes_held) only if it writes it.
void PostgresServer::decide_like_write(std::uint32_t id) {
  Txn& t = txns_[id];
  const DbStatement& s = t.call->statements[t.stmt];
  const std::uint64_t key = pack_like(s.post, s.user);
  const bool present = TxnView(tables_, t.writes).like(s.post, s.user);
  const bool insert = inserts_like(s.verb);
  const bool writes = insert ? !present : present;
  t.value = writes ? 1 : 0;
  if (!writes) return;
  t.writes.push_back({PgWrite::like_row, s.post, s.user, insert ? +1 : -1});
  if (holds(t.likes_held, key)) return;
  std::size_t ahead = 0;
  if (like_locks_.holder(key) != id) like_locks_.acquire(key, id, ahead);  // free: granted
  t.likes_held.push_back(key);
}

// The transaction waited for the like row and holds it now: the other transaction's outcome
// is committed (or rolled back), so it decides again.
void PostgresServer::like_granted(std::uint32_t id) {
  Txn& t = txns_[id];
  t.waits_in = WaitsIn::nothing;
  const DbStatement& s = t.call->statements[t.stmt];
  const std::uint64_t key = pack_like(s.post, s.user);
  decide_like_write(id);
  const bool keeps = holds(txns_[id].likes_held, key);
  after_like_row(id);
  // ON CONFLICT DO NOTHING after the other committed, or nothing left to delete: the row
  // passes to the next waiter (after this transaction asked for its CPU: it asked first).
  if (!keeps) pass_like_row(key);
}

void PostgresServer::pass_like_row(std::uint64_t key) {
  const std::uint32_t next = like_locks_.release(key);
  if (next != kNone) like_granted(next);
}

// The like row is settled (t.value is a like write's answer): the statement's counter or
// offset row, if it writes one, then a CPU.
void PostgresServer::after_like_row(std::uint32_t id) {
  Txn& t = txns_[id];
  const DbStatement& s = t.call->statements[t.stmt];
  const bool needs_row = s.verb == DbVerb::counter_add || s.verb == DbVerb::advance_offset ||
                         ((s.verb == DbVerb::insert_like_and_increment ||
                           s.verb == DbVerb::delete_like_and_decrement) &&
                          t.value == 1);
  if (!needs_row || holds(t.rows_held, row_of(s))) {
    if (needs_row) apply_locked_write(id);
    ask_cpu(id, Slice::statement);
    return;
  }
  // The row's update runs under its lock: what comes before it (inserting the like row) runs
  // first, the update (statement_us) once the lock is granted.
  t.cost = draw(static_cast<double>(cost_of(s).count()) / 1000.0);
  t.locked = std::min(t.cost, from_micros(costs_.statement_us));
  if (t.cost > t.locked) {
    ask_cpu(id, Slice::before_lock);
  } else {
    ask_row_lock(id, false);
  }
}

// Asks for the statement's counter / offset row, from its CPU (which it keeps if the row is
// free and gives back if it must wait) or before it has one.
void PostgresServer::ask_row_lock(std::uint32_t id, bool on_cpu) {
  Txn& t = txns_[id];
  const DbStatement& s = t.call->statements[t.stmt];
  const std::uint64_t row = row_of(s);
  if (deadlocks(id, row_locks_.holder(row))) {
    if (on_cpu) yield_cpu();
    fail(id);
    return;
  }
  std::size_t ahead = 0;
  const bool granted = row_locks_.acquire(row, id, ahead);
  stats_.max_lock_queue = row_locks_.max_queue();
  // Contention (wake-ups, re-checking the updated tuple) is work of this transaction under
  // the lock, per transaction that held or waited for the row when it asked (cost_model.h).
  if (ahead > 0) {
    const double n = static_cast<double>(ahead);
    const double exponent = costs_.lock_contention_exponent;
    t.locked += draw_other(handoff_us_ * (exponent == 1.0 ? n : std::pow(n, exponent)));
  }
  t.lock_asked_ns = sched_->now().count();
  if (!granted) {
    t.waits_in = WaitsIn::row_locks;
    t.waits_for = row;
    if (on_cpu) yield_cpu();
    return;  // row_granted() continues
  }
  t.rows_held.push_back(row);
  stats_.lock_wait.record(Duration(0));
  apply_locked_write(id);
  if (on_cpu) {
    keep_cpu(id, Slice::locked, t.locked);
  } else {
    ask_cpu(id, Slice::locked);
  }
}

void PostgresServer::row_granted(std::uint32_t id) {
  Txn& t = txns_[id];
  t.waits_in = WaitsIn::nothing;
  t.rows_held.push_back(row_of(t.call->statements[t.stmt]));
  stats_.lock_wait.record(sched_->now() - Time(t.lock_asked_ns));
  apply_locked_write(id);
  ask_cpu(id, Slice::locked);
}

// The transaction holds the statement's counter / offset row: nobody else can change it until
// the transaction ends, so the committed value plus its own writes is the row.
void PostgresServer::apply_locked_write(std::uint32_t id) {
  Txn& t = txns_[id];
  const DbStatement& s = t.call->statements[t.stmt];
  const TxnView view(tables_, t.writes);
  switch (s.verb) {
    case DbVerb::counter_add:
      t.value = view.counter(s.post) + s.arg;
      t.writes.push_back({PgWrite::counter, s.post, 0, s.arg});
      break;
    case DbVerb::insert_like_and_increment:
      t.writes.push_back({PgWrite::counter, s.post, 0, +1});
      break;
    case DbVerb::delete_like_and_decrement:
      t.writes.push_back({PgWrite::counter, s.post, 0, -1});
      break;
    case DbVerb::advance_offset:
      t.value = view.offset(s.post) >= s.arg ? 0 : 1;
      if (t.value == 1) t.writes.push_back({PgWrite::offset, s.post, 0, s.arg});
      break;
    default:
      break;
  }
}

// A CPU is the transaction's now: the slice's length (a read takes its snapshot here).
Duration PostgresServer::slice_length(std::uint32_t id) {
  Txn& t = txns_[id];
  switch (t.slice) {
    case Slice::statement: {
      const DbStatement& s = t.call->statements[t.stmt];
      const TxnView view(tables_, t.writes);
      if (s.verb == DbVerb::like_exists) t.value = view.like(s.post, s.user) ? 1 : 0;
      if (s.verb == DbVerb::count_likes) t.value = view.like_rows(s.post);
      if (s.verb == DbVerb::counter_read) t.value = view.counter(s.post);
      return draw(static_cast<double>(cost_of(s).count()) / 1000.0);
    }
    case Slice::before_lock:
      return t.cost - t.locked;
    case Slice::locked:
      return t.locked;
    case Slice::commit:
      break;
  }
  return Duration(0);  // a commit slice is always kept, never asked for
}

void PostgresServer::slice_done(std::uint32_t id) {
  Txn& t = txns_[id];
  switch (t.slice) {
    case Slice::statement:
    case Slice::locked:
      statement_done(id);
      return;
    case Slice::before_lock:
      ask_row_lock(id, true);
      return;
    case Slice::commit:
      yield_cpu();
      // A rollback, or a transaction that changed no row (ON CONFLICT DO NOTHING, a DELETE of
      // nothing), writes no commit record to wait for.
      if (!t.aborted && costs_.synchronous_commit && !t.writes.empty()) {
        wait_for_flush(id);
      } else {
        finish(id);
      }
      return;
  }
}

// The statement ran, on its CPU still: answer it, then the next statement or the commit.
void PostgresServer::statement_done(std::uint32_t id) {
  Txn& t = txns_[id];
  DbCall* call = t.call;
  call->replies[t.stmt] = {t.value, ReplyStatus::ok};
  if (call->kind == DbCallKind::guarded_transaction && t.stmt == 0 && t.value == 0) {
    t.aborted = true;  // the guard says the batch was applied already: roll the rest back
  }
  ++t.stmt;
  if (!t.aborted && t.stmt < call->n) {
    yield_cpu();
    start_statement(id);
    return;
  }
  for (std::uint32_t i = t.stmt; i < call->n; ++i) call->replies[i] = {0, ReplyStatus::ok};
  if (t.commits) {
    // COMMIT follows the last statement in the same flight: the backend runs it on the CPU it
    // has.
    ++stats_.transactions;
    keep_cpu(id, Slice::commit, draw_other(costs_.commit_cpu_us));
    return;
  }
  yield_cpu();
  finish(id);
}

// Would `id` waiting for a row held by `holder` close a cycle of waits? Follows who waits for
// whom from the holder on.
bool PostgresServer::deadlocks(std::uint32_t id, std::uint32_t holder) const {
  for (std::size_t steps = 0; holder != kNone && steps <= txns_.size(); ++steps) {
    if (holder == id) return true;
    const Txn& h = txns_[holder];
    if (h.waits_in == WaitsIn::nothing) return false;
    holder = (h.waits_in == WaitsIn::row_locks ? row_locks_ : like_locks_).holder(h.waits_for);
  }
  return false;
}

// PostgreSQL's deadlock detector ends one transaction of a cycle with an error; here the one
// whose request closes the cycle, at once (PostgreSQL looks after deadlock_timeout, 1 s by
// default). No shipped strategy takes rows in conflicting orders (async_log and the write
// buffer sort their posts): this is a safety net, so that a new one fails loudly instead of
// hanging its calls forever. The transaction holds no CPU and waits in no queue here.
void PostgresServer::fail(std::uint32_t id) {
  Txn& t = txns_[id];
  for (std::uint32_t i = 0; i < t.call->n; ++i) t.call->replies[i] = {0, ReplyStatus::error};
  t.aborted = true;
  finish(id);
}

// The transaction is over (committed and durable, rolled back, or read-only): its writes
// become visible, its rows pass to their next waiters, its connection to the next call.
void PostgresServer::finish(std::uint32_t id) {
  Txn& t = txns_[id];
  const std::coroutine_handle<> waiter = t.call->waiter;
  const Duration half_rtt = t.half_rtt;
  if (!t.aborted) {
    for (const PgWrite& w : t.writes) tables_.apply(w);
  }
  for (const std::uint64_t row : t.rows_held) {
    const std::uint32_t next = row_locks_.release(
        row, costs_.lock_grant == PostgresCosts::LockGrant::random ? &lock_rng_ : nullptr);
    if (next != kNone) row_granted(next);
  }
  for (const std::uint64_t key : t.likes_held) pass_like_row(key);
  free_txn(id);
  release_connection();
  sched_->schedule_resume(sched_->now() + half_rtt, waiter);
}

}  // namespace likesim::sim
