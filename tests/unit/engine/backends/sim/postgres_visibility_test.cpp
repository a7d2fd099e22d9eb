#include <gtest/gtest.h>

#include "engine/backends/sim/postgres_server.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

// Round numbers: rtt 20, statement 10, insert 30, commit CPU 5, WAL flush 100 (µs).
sim::PostgresCosts costs() {
  sim::PostgresCosts c;
  c.rtt_us = 20;
  c.statement_us = 10;
  c.insert_us = 30;
  c.commit_cpu_us = 5;
  c.wal_flush_us = 100;
  c.lock_handoff_us = 0;
  return c;
}

Task<void> run_at(Runtime& rt, Db db, Duration at, DbStatement st, DbReply& out, Time& done) {
  co_await rt.sleep_for(at);
  out = co_await db.run(st);
  done = rt.now();
}

// READ COMMITTED: a read sees what was committed when its statement started, not a write that
// reached the server earlier and is still waiting for its WAL flush.
TEST(PostgresVisibility, AReadDoesNotSeeAWriteBeforeItCommits) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  DbReply add, early, late, exists_early, exists_late, count_early;
  Time t_add{}, t_early{}, t_late{}, t1{}, t2{}, t3{};
  // The like: arrives at 10, insert 10..40, commit CPU to 45, flush 45..145, answer at 155.
  rt.spawn(run_at(rt, Db(pg), 0us, DbStatement::insert_like_and_increment(1, 7), add, t_add));
  // Reads arriving at 30 µs (before the commit at 145) and at 150 µs (after it).
  rt.spawn(run_at(rt, Db(pg), 20us, DbStatement::counter_read(1), early, t_early));
  rt.spawn(run_at(rt, Db(pg), 20us, DbStatement::like_exists(1, 7), exists_early, t1));
  rt.spawn(run_at(rt, Db(pg), 20us, DbStatement::count_likes(1), count_early, t2));
  rt.spawn(run_at(rt, Db(pg), 140us, DbStatement::counter_read(1), late, t_late));
  rt.spawn(run_at(rt, Db(pg), 140us, DbStatement::like_exists(1, 7), exists_late, t3));
  s.run();
  EXPECT_EQ(t_add, 155us);
  EXPECT_EQ(add.value, 1);
  EXPECT_EQ(early.value, 0);
  EXPECT_EQ(exists_early.value, 0);
  EXPECT_EQ(count_early.value, 0);
  EXPECT_EQ(late.value, 1);
  EXPECT_EQ(exists_late.value, 1);
  EXPECT_EQ(pg.peek_counter(1), 1);
}

Task<void> add_then_wait(Runtime& rt, Db db, std::int64_t delta, Duration at) {
  co_await rt.sleep_for(at);
  const DbReply r = co_await db.run(DbStatement::counter_add(1, delta));
  (void)r;
}

// An uncommitted decrement back to 0 is invisible too (its statement answers 0).
TEST(PostgresVisibility, AnUncommittedDecrementToZeroIsInvisible) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  DbReply during, after;
  Time t1{}, t2{};
  rt.spawn(add_then_wait(rt, Db(pg), +1, 0us));    // committed at 125, answered at 135
  rt.spawn(add_then_wait(rt, Db(pg), -1, 200us));  // arrives 210, committed at 325
  rt.spawn(run_at(rt, Db(pg), 250us, DbStatement::counter_read(1), during, t1));
  rt.spawn(run_at(rt, Db(pg), 400us, DbStatement::counter_read(1), after, t2));
  s.run();
  EXPECT_EQ(during.value, 1);
  EXPECT_EQ(after.value, 0);
}

Task<void> hot_liker(Runtime& rt, Db db, UserId first, Time until, std::int64_t& acked) {
  for (UserId u = first; rt.now() < until; ++u) {
    const DbReply r = co_await db.run(DbStatement::insert_like_and_increment(1, u));
    if (r.status == ReplyStatus::ok && r.value == 1) ++acked;
  }
}

Task<void> counter_reader(Runtime& rt, Db db, Time until, const std::int64_t& acked,
                          std::int64_t& most_ahead) {
  while (rt.now() < until) {
    co_await rt.sleep_for(1ms);
    const DbReply r = co_await db.run(DbStatement::counter_read(1));
    most_ahead = std::max(most_ahead, r.value - acked);
  }
}

// 32 clients queue on one hot counter row (sync commit, the measured defaults). A count read
// never runs ahead of the likes acknowledged by the time its answer arrives: every like it
// counts was committed before the read started, and so answered before the read is.
TEST(PostgresVisibility, HotRowReadsNeverCountUnacknowledgedLikes) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, sim::PostgresCosts{}, 1);
  std::int64_t acked = 0, most_ahead = -1;
  for (UserId c = 0; c < 32; ++c) rt.spawn(hot_liker(rt, Db(pg), c * 1'000'000, 300ms, acked));
  rt.spawn(counter_reader(rt, Db(pg), 300ms, acked, most_ahead));
  s.run();
  EXPECT_GT(acked, 300);
  EXPECT_LE(most_ahead, 0);
}

Task<void> hot_then_cold(Db db, PostId cold) {
  DbBatch tx;  // a write-buffer flush: the hot post's row, then another post's
  tx.add(DbStatement::counter_add(1, 1));
  tx.add(DbStatement::counter_add(cold, 1));
  const ReplyStatus st = co_await db.transaction(tx);
  (void)st;
}

// Transactions queued for a hot row lock sleep; they do not hold CPUs while they wait. An
// unrelated read at 50 µs, while forty of them queue, takes rtt + statement = 30 µs.
TEST(PostgresVisibility, LockWaitersDoNotHoldCpus) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  for (PostId i = 0; i < 40; ++i) rt.spawn(hot_then_cold(Db(pg), 100 + i));
  DbReply r;
  Time done{};
  rt.spawn(run_at(rt, Db(pg), 50us, DbStatement::like_exists(5, 5), r, done));
  s.run();
  EXPECT_EQ(done, 80us);
  EXPECT_EQ(pg.peek_counter(1), 40);
}

}  // namespace
}  // namespace likesim
