#include "engine/backends/sim/kafka_log.h"

#include <gtest/gtest.h>

#include "engine/core/runtime.h"

namespace likesim {
namespace {

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
  // Visible when the broker has written it (linger + rtt/2 + broker), then fetch + rtt.
  EXPECT_EQ(got_at, 5'000'000 + 10'000 + 51'000 + 20'000 + 10'000);
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

}  // namespace
}  // namespace likesim
