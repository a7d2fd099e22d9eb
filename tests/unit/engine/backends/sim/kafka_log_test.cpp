#include "engine/backends/sim/kafka_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <span>
#include <vector>

#include "engine/core/random_stream.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

sim::KafkaCosts costs() {
  sim::KafkaCosts c;
  c.partitions = 1;
  c.linger_ms = 5;
  c.batch_records = 4;
  c.broker_append_us = 50;
  c.broker_record_us = 1;
  c.rtt_us = 20;
  c.max_poll_records = 3;
  c.poll_timeout_ms = 100;
  c.fetch_us = 10;
  c.commit_us = 30;
  return c;
}

Task<void> append(Runtime& rt, Log log, PostId post, std::vector<std::int64_t>& acked,
                  std::vector<std::int64_t>& offsets) {
  const LogReply r = co_await log.append(LogEvent{post, 1, +1});
  EXPECT_EQ(r.status, ReplyStatus::ok);
  acked.push_back(rt.now().count());
  offsets.push_back(r.offset);
}

TEST(KafkaLog, ALoneAppendWaitsForLingerAFullBatchGoesAtOnce) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaLog kafka(s, costs(), 1, 1);
  std::vector<std::int64_t> acked, offsets;
  rt.spawn(append(rt, Log(kafka), 1, acked, offsets));
  s.run();
  // linger 5 ms, then rtt/2 + broker (50 + 1 µs) + rtt/2.
  EXPECT_EQ(acked, (std::vector<std::int64_t>{5'000'000 + 10'000 + 51'000 + 10'000}));
  acked.clear();
  const Time start = s.now();
  for (int i = 0; i < 4; ++i) rt.spawn(append(rt, Log(kafka), 1, acked, offsets));
  s.run();
  ASSERT_EQ(acked.size(), 4u);
  for (std::int64_t t : acked) EXPECT_EQ(t - start.count(), 10'000 + 54'000 + 10'000);
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(kafka.stats().batches, 2u);
}

struct Polled {
  std::vector<std::int64_t> offsets;
  std::vector<std::int64_t> times;
};

Task<void> poll_commit_rewind(Runtime& rt, Log log, Polled& p) {
  LogRecord recs[8];
  LogReply r = co_await log.poll(0, recs);  // 3 of the 5 records (max_poll_records)
  for (std::uint32_t i = 0; i < r.n; ++i) p.offsets.push_back(recs[i].offset);
  const LogReply c = co_await log.commit(0, r.partition, recs[r.n - 1].offset + 1);
  (void)c;
  r = co_await log.poll(0, recs);  // offsets 3, 4: read, not committed
  for (std::uint32_t i = 0; i < r.n; ++i) p.offsets.push_back(recs[i].offset);
  const LogReply w = co_await log.rewind(0);  // the consumer died: back to offset 3
  (void)w;
  r = co_await log.poll(0, recs);  // 3, 4 again
  for (std::uint32_t i = 0; i < r.n; ++i) p.offsets.push_back(recs[i].offset);
  const Time before = rt.now();
  r = co_await log.poll(0, recs);  // nothing left: waits for the poll timeout
  p.offsets.push_back(r.n);
  p.times.push_back((rt.now() - before).count());
}

TEST(KafkaLog, RewindRedeliversExactlyTheUncommittedRecords) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaLog kafka(s, costs(), 1, 1);
  std::vector<std::int64_t> acked, offsets;
  for (int i = 0; i < 5; ++i) rt.spawn(append(rt, Log(kafka), 1, acked, offsets));
  s.run();
  EXPECT_EQ(kafka.lag(), 5);
  Polled p;
  rt.spawn(poll_commit_rewind(rt, Log(kafka), p));
  s.run();
  EXPECT_EQ(p.offsets, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 3, 4, 0}));
  EXPECT_EQ(p.times, (std::vector<std::int64_t>{100'000'000}));
  EXPECT_EQ(kafka.stats().redelivered, 2u);
  EXPECT_EQ(kafka.lag(), 2);  // offsets 3 and 4 were never committed
}

Task<void> waiting_poll(Runtime& rt, Log log, std::int64_t& got_at, std::uint32_t& n) {
  LogRecord recs[8];
  const LogReply r = co_await log.poll(0, recs);
  n = r.n;
  got_at = rt.now().count();
}

TEST(KafkaLog, AWaitingPollWakesWhenRecordsArrive) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaLog kafka(s, costs(), 1, 1);
  std::int64_t got_at = 0;
  std::uint32_t n = 0;
  rt.spawn(waiting_poll(rt, Log(kafka), got_at, n));
  std::vector<std::int64_t> acked, offsets;
  rt.spawn(append(rt, Log(kafka), 1, acked, offsets));
  s.run();
  EXPECT_EQ(n, 1u);
  // Visible when the broker has written it (linger + rtt/2 + broker); the poll was waiting at
  // the broker, so its fetch runs on the broker thread then, and the response takes rtt/2.
  EXPECT_EQ(got_at, 5'000'000 + 10'000 + 51'000 + 10'000 + 10'000);
}

TEST(KafkaLog, ConsumersOwnPartitionsRoundRobin) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaCosts c = costs();
  c.partitions = 4;
  sim::KafkaLog kafka(s, c, 2, 1);
  EXPECT_EQ(kafka.partitions(), 4u);
  EXPECT_EQ(kafka.consumers(), 2u);
  std::vector<std::int64_t> acked, offsets;
  for (PostId p = 1; p <= 40; ++p) rt.spawn(append(rt, Log(kafka), p, acked, offsets));
  s.run();
  EXPECT_EQ(kafka.stats().appended, 40u);
  EXPECT_EQ(kafka.lag(), 40);
}

// More exact cases: several partitions on one broker thread, a poll's partition and order,
// the caller's max, an empty poll's exact timeout, commit round trips and lag.
namespace multi {

// Round numbers, so every expected time below is a sum one can check by hand.
sim::KafkaCosts costs(int partitions) {
  sim::KafkaCosts c;
  c.partitions = partitions;
  c.linger_ms = 5;
  c.batch_records = 4;
  c.broker_append_us = 50;
  c.broker_record_us = 0.5;
  c.rtt_us = 20;
  c.max_poll_records = 500;
  c.poll_timeout_ms = 100;
  c.fetch_us = 50;
  c.commit_us = 100;
  return c;
}

struct Acked {
  std::int64_t at_ns = 0;
  LogReply reply;
  UserId user = 0;
};

Task<void> append_after(Runtime& rt, Log log, Duration after, LogEvent e, std::vector<Acked>& out) {
  co_await rt.sleep_for(after);
  const LogReply r = co_await log.append(e);
  out.push_back({rt.now().count(), r, e.user});
}

struct Polled {
  std::int64_t at_ns = 0;
  LogReply reply;
  std::vector<LogRecord> records;
};

Task<void> poll_after(Runtime& rt, Log log, Duration after, std::uint32_t consumer,
                      std::uint32_t max, Polled& out) {
  co_await rt.sleep_for(after);
  std::array<LogRecord, 64> recs{};
  const LogReply r = co_await log.poll(consumer, std::span<LogRecord>(recs.data(), max));
  out.at_ns = rt.now().count();
  out.reply = r;
  out.records.assign(recs.begin(), recs.begin() + r.n);
}

TEST(KafkaLog, AFullBatchGoesAtOnceAndTheStaleLingerTimerSendsNothing) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaLog kafka(s, costs(1), 1, 1);
  std::vector<Acked> acked;
  // Four appends (= batch_records) at 0 fill a batch; a fifth starts the next one.
  for (UserId u = 1; u <= 5; ++u) {
    rt.spawn(append_after(rt, Log(kafka), Duration(0), {7, u, +1}, acked));
  }
  s.run();
  ASSERT_EQ(acked.size(), 5u);
  // Batch 1: rtt/2 + 50 + 4 * 0.5 + rtt/2 = 72 µs, no linger.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(acked[static_cast<std::size_t>(i)].at_ns, 72'000) << i;
    EXPECT_EQ(acked[static_cast<std::size_t>(i)].reply.offset, i) << i;
  }
  // Batch 2: the fifth append's own linger (5 ms), then 10 + 50.5 + 10 µs. The first batch's
  // linger timer, also due at 5 ms, must not send anything twice.
  EXPECT_EQ(acked[4].at_ns, 5'000'000 + 70'500);
  EXPECT_EQ(acked[4].reply.offset, 4);
  EXPECT_EQ(kafka.stats().batches, 2u);
  EXPECT_EQ(kafka.stats().appended, 5u);
}

TEST(KafkaLog, BatchesOfDifferentPartitionsQueueOnTheOneBrokerThread) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaLog kafka(s, costs(2), 1, 1);
  // Two posts on different partitions, each with a full batch at t = 0.
  PostId a = 1, b = 2;
  while (mix64(b) % 2 == mix64(a) % 2) ++b;
  std::vector<Acked> acked;
  for (UserId u = 1; u <= 4; ++u)
    rt.spawn(append_after(rt, Log(kafka), Duration(0), {a, u, 1}, acked));
  for (UserId u = 1; u <= 4; ++u)
    rt.spawn(append_after(rt, Log(kafka), Duration(0), {b, u, 1}, acked));
  s.run();
  ASSERT_EQ(acked.size(), 8u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(acked[static_cast<std::size_t>(i)].at_ns, 72'000);
  // The second batch starts when the broker is free at 62 µs: 62 + 52 + 10.
  for (int i = 4; i < 8; ++i) EXPECT_EQ(acked[static_cast<std::size_t>(i)].at_ns, 124'000);
  EXPECT_NE(acked[0].reply.partition, acked[4].reply.partition);
  EXPECT_EQ(acked[4].reply.offset, 0);  // offsets are per partition
}

TEST(KafkaLog, PollReturnsOnePartitionsRecordsInOffsetOrder) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaCosts c = costs(3);
  c.batch_records = 1000;  // every batch goes at linger
  sim::KafkaLog kafka(s, c, 1, 1);
  std::vector<Acked> acked;
  // 30 likes of posts 1..5, one every 100 µs; all visible by ~8 ms.
  for (UserId u = 1; u <= 30; ++u) {
    rt.spawn(append_after(rt, Log(kafka), Duration(u * 100'000), {1 + u % 5, u, +1}, acked));
  }
  Polled first, second;
  rt.spawn(poll_after(rt, Log(kafka), 20ms, 0, 64, first));
  rt.spawn(poll_after(rt, Log(kafka), 30ms, 0, 64, second));
  s.run();
  ASSERT_EQ(acked.size(), 30u);
  std::array<std::size_t, 3> per_partition{};
  for (const Acked& a : acked) ++per_partition[a.reply.partition];
  ASSERT_EQ(std::count(per_partition.begin(), per_partition.end(), 0u), 0);  // posts 1..5 cover all
  EXPECT_EQ(first.at_ns, 20'000'000 + 20'000 + 50'000);                      // rtt + fetch
  for (const Polled* p : {&first, &second}) {
    ASSERT_GT(p->reply.n, 0u);
    // The whole partition, nothing from another, offsets 0.. in order, events in append order.
    EXPECT_EQ(p->records.size(), per_partition[p->reply.partition]);
    std::vector<UserId> users;
    for (std::size_t i = 0; i < p->records.size(); ++i) {
      EXPECT_EQ(p->records[i].partition, p->reply.partition);
      EXPECT_EQ(p->records[i].offset, static_cast<std::int64_t>(i));
      EXPECT_EQ(mix64(p->records[i].event.post) % 3, p->reply.partition);
      users.push_back(p->records[i].event.user);
    }
    EXPECT_TRUE(std::is_sorted(users.begin(), users.end()));
  }
  EXPECT_NE(first.reply.partition, second.reply.partition);  // round robin
  // The offset an append was acknowledged with holds that append's event.
  for (const Acked& a : acked) {
    if (a.reply.partition != first.reply.partition) continue;
    const LogRecord& r = first.records[static_cast<std::size_t>(a.reply.offset)];
    EXPECT_EQ(r.event.user, a.user);
  }
}

TEST(KafkaLog, PollRespectsTheCallersMax) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaLog kafka(s, costs(1), 1, 1);
  std::vector<Acked> acked;
  for (UserId u = 1; u <= 10; ++u)
    rt.spawn(append_after(rt, Log(kafka), Duration(0), {7, u, 1}, acked));
  Polled p1, p2, p3;
  rt.spawn(poll_after(rt, Log(kafka), 10ms, 0, 3, p1));
  rt.spawn(poll_after(rt, Log(kafka), 11ms, 0, 64, p2));
  rt.spawn(poll_after(rt, Log(kafka), 12ms, 0, 64, p3));
  s.run();
  ASSERT_EQ(p1.reply.n, 3u);
  EXPECT_EQ(p1.records.back().offset, 2);
  ASSERT_EQ(p2.reply.n, 7u);
  EXPECT_EQ(p2.records.front().offset, 3);
  EXPECT_EQ(p2.records.back().offset, 9);
  // Nothing left: the third poll waits its full timeout and answers empty.
  EXPECT_EQ(p3.reply.n, 0u);
  EXPECT_EQ(p3.at_ns, 12'000'000 + 100'000'000);
  EXPECT_EQ(kafka.stats().delivered, 10u);
  EXPECT_EQ(kafka.stats().redelivered, 0u);
}

TEST(KafkaLog, AnEmptyPollAnswersNothingAtExactlyThePollTimeout) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaLog kafka(s, costs(4), 2, 1);
  Polled p;
  rt.spawn(poll_after(rt, Log(kafka), 1ms, 1, 64, p));
  s.run();
  EXPECT_EQ(p.reply.status, ReplyStatus::ok);
  EXPECT_EQ(p.reply.n, 0u);
  EXPECT_EQ(p.at_ns, 1'000'000 + 100'000'000);  // poll_timeout_ms, no rtt or fetch on top
  EXPECT_EQ(s.now(), Time(101ms));              // and no event after it
}

Task<void> consume_commit_rewind(Runtime& rt, Log log, std::vector<std::int64_t>& lags,
                                 sim::KafkaLog& kafka, std::vector<std::int64_t>& second_offsets,
                                 std::int64_t& commit_done_ns) {
  co_await rt.sleep_for(10ms);  // all ten records visible
  std::array<LogRecord, 64> recs{};
  LogReply r = co_await log.poll(0, recs);
  EXPECT_EQ(r.n, 10u);
  lags.push_back(kafka.lag());
  const Time before_commit = rt.now();
  r = co_await log.commit(0, r.partition, 6);  // offsets 0..5 done; 6..9 were in flight
  commit_done_ns = (rt.now() - before_commit).count();
  lags.push_back(kafka.lag());
  r = co_await log.rewind(0);  // the consumer "crashed" before finishing 6..9
  r = co_await log.poll(0, recs);
  for (std::uint32_t i = 0; i < r.n; ++i) second_offsets.push_back(recs[i].offset);
  r = co_await log.commit(0, r.partition, 10);
  lags.push_back(kafka.lag());
}

TEST(KafkaLog, CommitAndRewindTrackLagAndRedeliveriesAcrossPolls) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaCosts c = costs(1);
  c.batch_records = 1000;
  sim::KafkaLog kafka(s, c, 1, 1);
  std::vector<Acked> acked;
  for (UserId u = 1; u <= 10; ++u)
    rt.spawn(append_after(rt, Log(kafka), Duration(0), {7, u, 1}, acked));
  std::vector<std::int64_t> lags, second;
  std::int64_t commit_ns = 0;
  rt.spawn(consume_commit_rewind(rt, Log(kafka), lags, kafka, second, commit_ns));
  s.run();
  EXPECT_EQ(second, (std::vector<std::int64_t>{6, 7, 8, 9}));
  EXPECT_EQ(kafka.stats().redelivered, 4u);
  EXPECT_EQ(kafka.stats().delivered, 14u);
  EXPECT_EQ(kafka.stats().commits, 2u);
  EXPECT_EQ(lags, (std::vector<std::int64_t>{10, 4, 0}));
  EXPECT_EQ(kafka.lag(), 0);
  EXPECT_EQ(kafka.stats().max_lag, 10);
  EXPECT_EQ(commit_ns, 20'000 + 100'000);  // rtt + commit_us
}

Task<void> poll_then_commit(Runtime& rt, Log log, std::int64_t& polled_ns,
                            std::int64_t& committed_ns, std::uint32_t& n) {
  co_await rt.sleep_for(100us);
  std::array<LogRecord, 64> recs{};
  const LogReply r = co_await log.poll(0, recs);
  polled_ns = rt.now().count();
  n = r.n;
  const LogReply c = co_await log.commit(0, r.partition, recs[r.n - 1].offset + 1);
  (void)c;
  committed_ns = rt.now().count();
}

// A fetch that returns data and an offset commit are work on the broker's one thread, so they
// wait behind a produce request that got there first (they used to bypass it).
TEST(KafkaLog, FetchesAndCommitsQueueOnTheBrokerThreadBehindProduceRequests) {
  Scheduler s;
  SimRuntime rt(s);
  sim::KafkaLog kafka(s, costs(1), 1, 1);
  std::vector<Acked> acked;
  // A full batch at 0 (broker 10..62 µs), then full batches at 100 µs and 222 µs.
  for (UserId u = 1; u <= 4; ++u) rt.spawn(append_after(rt, Log(kafka), 0us, {7, u, 1}, acked));
  for (UserId u = 5; u <= 8; ++u) rt.spawn(append_after(rt, Log(kafka), 100us, {7, u, 1}, acked));
  for (UserId u = 9; u <= 12; ++u) rt.spawn(append_after(rt, Log(kafka), 222us, {7, u, 1}, acked));
  std::int64_t polled = 0, committed = 0;
  std::uint32_t n = 0;
  rt.spawn(poll_then_commit(rt, Log(kafka), polled, committed, n));
  s.run();
  EXPECT_EQ(n, 4u);  // the first batch; the second is not written yet when the poll is sent
  // The poll reaches the broker at 110 µs, behind the 100 µs batch (110..162): 162 + 50 + 10.
  EXPECT_EQ(polled, 222'000);
  // The commit reaches it at 232 µs with the 222 µs batch (232..284): 284 + 100 + 10.
  EXPECT_EQ(committed, 394'000);
  ASSERT_EQ(acked.size(), 12u);
  EXPECT_EQ(acked[4].at_ns, 172'000);  // the produce requests were not delayed by them
  EXPECT_EQ(acked[8].at_ns, 294'000);
}

}  // namespace multi

}  // namespace
}  // namespace likesim
