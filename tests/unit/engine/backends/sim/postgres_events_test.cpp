// The simulated PostgreSQL as events: CPUs, row locks and visibility where the review found
// the arrival-time timeline wrong. Every expected figure is worked out by hand in a comment.
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
  c.count_base_us = 10;
  c.count_per_row_ns = 50;
  c.lock_handoff_us = 0;
  c.lock_grant = sim::PostgresCosts::LockGrant::fifo;  // timelines in request order
  c.cpu_cores = 2;
  return c;
}

Task<void> run_at(Runtime& rt, Db db, Duration at, DbStatement st, DbReply& out, Time& done) {
  co_await rt.sleep_for(at);
  out = co_await db.run(st);
  done = rt.now();
}

// A feed page: `n` like_exists reads pipelined on one connection.
Task<void> feed_page_at(Runtime& rt, Db db, Duration at, int n, Time& done) {
  co_await rt.sleep_for(at);
  DbBatch page;
  for (int i = 0; i < n; ++i) page.add(DbStatement::like_exists(1, static_cast<UserId>(i)));
  const ReplyStatus st = co_await db.read_batch(page);
  EXPECT_EQ(st, ReplyStatus::ok);
  done = rt.now();
}

// A feed page runs its statements one after another on one CPU at a time: with two CPUs a
// short read that arrives meanwhile takes the other one and is answered at its own cost.
TEST(PostgresEvents, AMultiStatementCallHoldsOneCpuAtATime) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  Time page_done{}, read_done{};
  DbReply r;
  // The page arrives at 10 µs: 20 reads of 10 µs on CPU A until 210, answered at 220.
  rt.spawn(feed_page_at(rt, Db(pg), 0us, 20, page_done));
  // The read is sent at 55, arrives at 65, runs 65..75 on CPU B, answered at 85.
  rt.spawn(run_at(rt, Db(pg), 55us, DbStatement::like_exists(2, 2), r, read_done));
  s.run();
  EXPECT_EQ(read_done, 85us);
  EXPECT_EQ(page_done, 220us);
}

// With one CPU the page's statements queue for it FIFO like everyone else's: the read that
// arrives at 65 waits only for the statement running (60..70), runs 70..80 (answered at 90),
// and the page's sixth read runs after it: the page ends 10 µs later, answered at 230.
TEST(PostgresEvents, StatementsOfACallQueueForTheCpuOneByOne) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresCosts c = costs();
  c.cpu_cores = 1;
  sim::PostgresServer pg(s, c, 1);
  Time page_done{}, read_done{};
  DbReply r;
  rt.spawn(feed_page_at(rt, Db(pg), 0us, 20, page_done));
  rt.spawn(run_at(rt, Db(pg), 55us, DbStatement::like_exists(2, 2), r, read_done));
  s.run();
  EXPECT_EQ(read_done, 90us);
  EXPECT_EQ(page_done, 230us);
}

Task<void> hot_add(Runtime& rt, Db db, Time& done) {
  const DbReply r = co_await db.run(DbStatement::counter_add(1, 1));
  EXPECT_EQ(r.status, ReplyStatus::ok);
  done = rt.now();
}

// cpu_busy_ns is what the CPUs did: statements, contention, commits; not the lock queue and
// not the WAL.
TEST(PostgresEvents, CpuBusyTimeIsCpuWorkOnlyNotLockOrWalWaits) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresCosts c = costs();
  c.lock_handoff_us = 2;
  sim::PostgresServer pg(s, c, 1);
  // Eight counter_adds of one row arrive at 10 µs and ask for it in turn: the k-th (k = 0..7)
  // finds k transactions ahead, so it runs 10 + 2 k µs under the lock, then commits (5 µs of
  // CPU, 100 µs of WAL). CPU: 8 * 15 + 2 * (0 + ... + 7) = 120 + 56 = 176 µs. The last one is
  // released at 10 + 8 * 115 + 56 = 986 and answered at 996 µs.
  std::vector<Time> done(8);
  for (Time& d : done) rt.spawn(hot_add(rt, Db(pg), d));
  s.run();
  EXPECT_EQ(pg.stats().cpu_busy_ns, 176'000);
  EXPECT_EQ(*std::max_element(done.begin(), done.end()), 996us);
  EXPECT_EQ(pg.peek_counter(1), 8);
}

// A read-only page costs its statements' CPU only, and a cold insert its insert and commit:
// 20 * 10 + 30 + 5 = 235 µs, although the insert's WAL flush keeps it 100 µs longer.
TEST(PostgresEvents, CpuBusyTimeIsTheSumOfStatementAndCommitCpu) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  Time page_done{}, insert_done{};
  DbReply r;
  rt.spawn(feed_page_at(rt, Db(pg), 0us, 20, page_done));
  rt.spawn(run_at(rt, Db(pg), 0us, DbStatement::insert_like(3, 3), r, insert_done));
  s.run();
  EXPECT_EQ(pg.stats().cpu_busy_ns, 235'000);
  EXPECT_EQ(insert_done, 155us);  // 10 + 30 + 5 + 100 + 10
}

Task<void> reads_forever(Db db, UserId u, int n) {
  DbBatch page;
  for (int i = 0; i < n; ++i) page.add(DbStatement::like_exists(7, u));
  const ReplyStatus st = co_await db.read_batch(page);
  EXPECT_EQ(st, ReplyStatus::ok);
}

// Four counter_adds of one row at 10 µs, with flush 103 µs and one CPU (the odd flush keeps
// the loaded case's events off exact ties). Unloaded, each holds the row 10 + 5 + 103 = 118
// µs: waits 0, 118, 236, 354 µs.
//
// Loaded: twenty feed pages of 50 reads (10 µs each) arrive with them and keep the CPU's FIFO
// queue 19 deep. The first add gets the CPU at 10 (runs to 25), flushes 25..128. Each later
// holder is granted when the previous flush ends, with a read running (it finishes 7 µs later)
// and 19 queued: it starts 7 + 190 µs later and holds the row 197 + 15 + 103 = 315 µs. Grants
// at 128, 443, 758: waits 0, 118, 433, 748 µs. A busy CPU stretches every hold of a hot row,
// and the queue behind it grows with it (a convoy).
std::vector<std::int64_t> hot_row_waits(bool loaded) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresCosts c = costs();
  c.cpu_cores = 1;
  c.wal_flush_us = 103;
  sim::PostgresServer pg(s, c, 1);
  std::vector<Time> done(4);
  for (Time& d : done) rt.spawn(hot_add(rt, Db(pg), d));
  if (loaded) {
    for (UserId u = 0; u < 20; ++u) rt.spawn(reads_forever(Db(pg), u, 50));
  }
  s.run();
  EXPECT_EQ(pg.peek_counter(1), 4);
  const LatencyHistogram& w = pg.stats().lock_wait;
  return {static_cast<std::int64_t>(w.total_count()), w.min(), w.max(),
          static_cast<std::int64_t>(w.mean() * 4)};
}

TEST(PostgresEvents, ASaturatedCpuLengthensHotRowHoldsIntoAConvoy) {
  // {count, min, max, sum of the waits}
  EXPECT_EQ(hot_row_waits(false), (std::vector<std::int64_t>{4, 0, 354, 118 + 236 + 354}));
  EXPECT_EQ(hot_row_waits(true), (std::vector<std::int64_t>{4, 0, 748, 118 + 433 + 748}));
}

Task<void> insert_then_add(Runtime& rt, Db db, std::int64_t& added, Time& done) {
  DbBatch tx;
  tx.add(DbStatement::insert_like(9, 1));
  tx.add(DbStatement::counter_add(1, 1));
  const ReplyStatus st = co_await db.transaction(tx);
  EXPECT_EQ(st, ReplyStatus::ok);
  added = tx.replies()[1].value;
  done = rt.now();
}

Task<void> add_at(Runtime& rt, Db db, Duration at, std::int64_t& added, Time& done) {
  co_await rt.sleep_for(at);
  const DbReply r = co_await db.run(DbStatement::counter_add(1, 1));
  added = r.value;
  done = rt.now();
}

// Row locks go to transactions in the order they ask for the row, not the order they reached
// the server. T1 arrives at 10 and inserts a like row first (10..40): it asks for counter row 1
// at 40. T2 arrives at 20 and asks at once: it holds the row 20..135 (10 + 5 + 100) and is
// answered at 145 with n = 1. T1 is granted at 135, runs 135..145, commits 145..150, flushes
// 150..250, answered at 260 with n = 2.
TEST(PostgresEvents, RowLocksAreGrantedInRequestOrder) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  std::int64_t t1_added = 0, t2_added = 0;
  Time t1_done{}, t2_done{};
  rt.spawn(insert_then_add(rt, Db(pg), t1_added, t1_done));
  rt.spawn(add_at(rt, Db(pg), 10us, t2_added, t2_done));
  s.run();
  EXPECT_EQ(t2_added, 1);
  EXPECT_EQ(t2_done, 145us);
  EXPECT_EQ(t1_added, 2);
  EXPECT_EQ(t1_done, 260us);
  EXPECT_EQ(pg.stats().lock_wait.max(), 95);  // T1 asked at 40, granted at 135
}

// Sent at 0, T1's insert of (1, 7) runs 10..40, commits 40..45, flushes 45..145: visible from
// 145, answered at 155.
TEST(PostgresEvents, ADeleteDoesNotSeeAnUncommittedInsert) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  DbReply ins, del;
  Time t_ins{}, t_del{};
  rt.spawn(run_at(rt, Db(pg), 0us, DbStatement::insert_like(1, 7), ins, t_ins));
  // The DELETE arrives at 30: the row is not committed, so it finds nothing and does not
  // wait: 30..60 on the other CPU, 5 µs of commit, nothing to flush, answered at 75.
  rt.spawn(run_at(rt, Db(pg), 20us, DbStatement::delete_like(1, 7), del, t_del));
  s.run();
  EXPECT_EQ(ins.value, 1);
  EXPECT_EQ(t_ins, 155us);
  EXPECT_EQ(del.value, 0);
  EXPECT_EQ(t_del, 75us);
  EXPECT_TRUE(pg.peek_like(1, 7));
  EXPECT_EQ(pg.stats().flushes, 1u);
}

// The duplicate arrives at 30 and waits for T1's end (145): then the row is committed, ON
// CONFLICT DO NOTHING answers 0 after its 30 µs (145..175) and 5 µs of commit; nothing to
// flush: answered at 190. The counter moved once.
TEST(PostgresEvents, ADuplicateInsertWaitsForTheFirstsCommitAndAnswersZero) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  DbReply first, dup;
  Time t_first{}, t_dup{};
  rt.spawn(run_at(rt, Db(pg), 0us, DbStatement::insert_like_and_increment(1, 7), first, t_first));
  rt.spawn(run_at(rt, Db(pg), 20us, DbStatement::insert_like_and_increment(1, 7), dup, t_dup));
  s.run();
  EXPECT_EQ(first.value, 1);
  EXPECT_EQ(t_first, 155us);
  EXPECT_EQ(dup.value, 0);
  EXPECT_EQ(t_dup, 190us);
  EXPECT_EQ(pg.peek_counter(1), 1);
  EXPECT_EQ(pg.peek_like_rows(1), 1);
}

// (1, 7) is committed first (its insert answered at 155). The DELETE sent at 200 arrives at
// 210, runs 210..240, commits 240..245, flushes 245..345. The INSERT sent at 220 arrives at 230
// while the delete is open, waits for it, then finds no row and inserts: 345..375, commit
// ..380, flush 380..480, answered at 490 with 1.
TEST(PostgresEvents, AnInsertWaitingForAnOpenDeleteInsertsAfterItCommits) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  DbReply a, del, again;
  Time t_a{}, t_del{}, t_again{};
  rt.spawn(run_at(rt, Db(pg), 0us, DbStatement::insert_like(1, 7), a, t_a));
  rt.spawn(run_at(rt, Db(pg), 200us, DbStatement::delete_like(1, 7), del, t_del));
  rt.spawn(run_at(rt, Db(pg), 220us, DbStatement::insert_like(1, 7), again, t_again));
  s.run();
  EXPECT_EQ(del.value, 1);
  EXPECT_EQ(t_del, 355us);
  EXPECT_EQ(again.value, 1);
  EXPECT_EQ(t_again, 490us);
  EXPECT_TRUE(pg.peek_like(1, 7));
  EXPECT_EQ(pg.peek_like_rows(1), 1);
}

Task<void> guarded_at(Runtime& rt, Db db, Duration at, std::int64_t next, std::int64_t& guard,
                      Time& done) {
  co_await rt.sleep_for(at);
  DbBatch tx;
  tx.add(DbStatement::advance_offset(0, next));
  tx.add(DbStatement::counter_add(3, 100));
  const ReplyStatus st = co_await db.guarded_transaction(tx);
  EXPECT_EQ(st, ReplyStatus::ok);
  guard = tx.replies()[0].value;
  done = rt.now();
}

// Three consumers' batches for partition 0 at once (all arrive at 10). A (to 10) holds the
// offset row: guard 10..20, counter 20..30, commit ..35, flush 35..135. B (a redelivered batch
// ending at 5) waits for it, then sees 10 >= 5: its guard answers 0 (135..145), it rolls back
// (5 µs, no flush) and passes the row on at 150. C (to 12) waits behind B and advances:
// 150..160, 160..170, ..175, flush 175..275, answered at 285. The counter got 200.
TEST(PostgresEvents, ARolledBackGuardedTransactionPassesItsRowsOnAndAppliesNothing) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  std::int64_t ga = -1, gb = -1, gc = -1;
  Time ta{}, tb{}, tc{};
  rt.spawn(guarded_at(rt, Db(pg), 0us, 10, ga, ta));
  rt.spawn(guarded_at(rt, Db(pg), 0us, 5, gb, tb));
  rt.spawn(guarded_at(rt, Db(pg), 0us, 12, gc, tc));
  s.run();
  EXPECT_EQ((std::vector<std::int64_t>{ga, gb, gc}), (std::vector<std::int64_t>{1, 0, 1}));
  EXPECT_EQ(ta, 145us);
  EXPECT_EQ(tb, 160us);
  EXPECT_EQ(tc, 285us);
  EXPECT_EQ(pg.peek_counter(3), 200);
  EXPECT_EQ(pg.stats().flushes, 2u);
}

// synchronous_commit off: the commit costs its CPU and does not wait for the WAL: an insert is
// answered at 10 + 30 + 5 + 10 = 55 µs, and no flush is counted.
TEST(PostgresEvents, SynchronousCommitOffDoesNotWaitForTheWal) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresCosts c = costs();
  c.synchronous_commit = false;
  sim::PostgresServer pg(s, c, 1);
  DbReply r;
  Time done{};
  rt.spawn(run_at(rt, Db(pg), 0us, DbStatement::insert_like(1, 7), r, done));
  s.run();
  EXPECT_EQ(done, 55us);
  EXPECT_EQ(pg.stats().flushes, 0u);
  EXPECT_EQ(pg.stats().cpu_busy_ns, 35'000);
}

// T0 (sent at 0) inserts 10..40, commits 40..45 and flushes 45..145. T1 (sent at 10) inserts
// 20..50 on the other CPU and commits 50..55; T2 (sent at 20) gets a CPU at 45: 45..75,
// commits 75..80. Both wait for the next flush, 145..245. T0, alone in its flush, wakes at
// once (answer 155). With wal_wake_us = 7, T1 wakes at 245 (answer 255) and T2 after it, at
// 252 (262); the third flush would start only then. Without it both answer at 255. The
// wake-ups hold no CPU.
TEST(PostgresEvents, TheCommitsAFlushMadeDurableWakeOneAfterAnotherBeforeTheNextFlush) {
  for (const double wake_us : {0.0, 7.0}) {
    Scheduler s;
    SimRuntime rt(s);
    sim::PostgresCosts c = costs();
    c.wal_wake_us = wake_us;
    sim::PostgresServer pg(s, c, 1);
    DbReply r[3];
    Time done[3]{};
    for (int i = 0; i < 3; ++i) {
      rt.spawn(run_at(rt, Db(pg), Duration(i * 10'000), DbStatement::insert_like(1, 7 + i), r[i],
                      done[i]));
    }
    s.run();
    EXPECT_EQ(done[0], 155us);
    EXPECT_EQ(done[1], 255us);
    EXPECT_EQ(done[2], wake_us > 0 ? 262us : 255us);
    EXPECT_EQ(pg.stats().flushes, 2u);
    EXPECT_EQ(pg.stats().cpu_busy_ns, 3 * 35'000);
  }
}

Task<void> two_rows(Runtime& rt, Db db, PostId first, PostId second, ReplyStatus& st, Time& done) {
  DbBatch tx;
  tx.add(DbStatement::counter_add(first, 1));
  tx.add(DbStatement::counter_add(second, 1));
  st = co_await db.transaction(tx);
  done = rt.now();
}

// Two transactions take rows 1 and 2 in opposite orders. Both arrive at 10 and lock their
// first row (10..20, one CPU each). At 20 T1 asks for row 2 and waits for T2; T2 then asks
// for row 1, held by T1 who waits for T2: a cycle. T2 ends with an error (answered at 30) and
// rolls back, T1 gets row 2: 20..30, commit ..35, flush 35..135, answered at 145.
TEST(PostgresEvents, ADeadlockEndsTheTransactionThatClosesTheCycleWithAnError) {
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, costs(), 1);
  ReplyStatus st1 = ReplyStatus::timeout, st2 = ReplyStatus::timeout;
  Time t1{}, t2{};
  rt.spawn(two_rows(rt, Db(pg), 1, 2, st1, t1));
  rt.spawn(two_rows(rt, Db(pg), 2, 1, st2, t2));
  s.run();
  EXPECT_EQ(st1, ReplyStatus::ok);
  EXPECT_EQ(t1, 145us);
  EXPECT_EQ(st2, ReplyStatus::error);
  EXPECT_EQ(t2, 30us);
  EXPECT_EQ(pg.peek_counter(1), 1);
  EXPECT_EQ(pg.peek_counter(2), 1);
}

}  // namespace
}  // namespace likesim
