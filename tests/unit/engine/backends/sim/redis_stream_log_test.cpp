// sim::RedisStreamLog: what real::RedisStreamLog sends, on the simulated Redis nodes — its
// commands' costs on the node the partition's slot picks, shared with Kv requests; the poll
// loop's rounds of XREADGROUP; XAUTOCLAIM redelivering exactly the pending entries after a
// consumer crash; lag. (The Log contract itself: log_contract_test.cpp.)
#include "engine/backends/sim/redis_stream_log.h"

#include <gtest/gtest.h>

#include <array>
#include <span>
#include <string>
#include <vector>

#include "engine/backends/key.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

// Round numbers, so each expected time is a sum one can check by hand.
sim::RedisCosts redis_costs(int nodes) {
  sim::RedisCosts c;
  c.nodes = nodes;
  c.rtt_us = 20;
  c.request_us = 10;
  c.command_us = 1;
  c.xadd_us = 2;
  c.xread_base_us = 3;
  c.xread_entry_us = 0.5;
  c.xread_empty_us = 1;
  c.xack_base_us = 1;
  c.xack_id_us = 0.25;
  c.fsync_always_us = 100;
  return c;
}

sim::KafkaCosts log_costs(int partitions) {
  sim::KafkaCosts c;
  c.partitions = partitions;
  c.max_poll_records = 500;
  c.poll_timeout_ms = 10;
  return c;
}

struct World {
  World(int nodes, int partitions, int consumers,
        sim::RedisCosts::Appendfsync fsync = sim::RedisCosts::Appendfsync::everysec)
      : rt(s),
        redis(s, with(redis_costs(nodes), fsync), 1),
        streams(rt, redis, log_costs(partitions), consumers) {}
  static sim::RedisCosts with(sim::RedisCosts c, sim::RedisCosts::Appendfsync f) {
    c.appendfsync = f;
    return c;
  }
  Scheduler s;
  SimRuntime rt;
  sim::RedisCluster redis;
  sim::RedisStreamLog streams;
};

struct Acked {
  std::int64_t at_ns = 0;
  LogReply reply;
};

Task<void> append_at(Runtime& rt, Log log, Duration after, LogEvent e, std::vector<Acked>& out) {
  co_await rt.sleep_for(after);
  const LogReply r = co_await log.append(e);
  out.push_back({rt.now().count(), r});
}

TEST(SimRedisStreamLog, XaddRunsOnTheNodeThePartitionsSlotPicksAndAnswersWithoutLinger) {
  World w(3, 12, 4);
  for (std::uint32_t p = 0; p < 12; ++p) {
    const int slot = hash_slot_of_text("log:{" + std::to_string(p) + "}");
    EXPECT_EQ(w.streams.node_of_partition(p), w.redis.node_of_slot(slot)) << p;
  }
  std::vector<Acked> acked;
  w.rt.spawn(append_at(w.rt, Log(w.streams), 0us, LogEvent{42, 7, +1}, acked));
  w.s.run();
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0].reply.status, ReplyStatus::ok);
  EXPECT_EQ(acked[0].reply.partition, log_partition(42, 12));
  EXPECT_EQ(acked[0].at_ns, 20'000 + 12'000);  // rtt + request + XADD: no linger, no batch
  const int node = w.streams.node_of_partition(acked[0].reply.partition);
  for (int n = 0; n < 3; ++n) {
    EXPECT_EQ(w.redis.node_stats(n).requests, n == node ? 1u : 0u) << n;
    EXPECT_EQ(w.redis.node_stats(n).busy_ns, n == node ? 12'000 : 0) << n;
  }
  EXPECT_EQ(w.streams.lag(), 1);
}

Task<void> incr_at(Runtime& rt, Kv kv, Duration after, KeyId key, std::int64_t& done_ns) {
  co_await rt.sleep_for(after);
  const KvReply r = co_await kv.incr_by(key, 1);
  EXPECT_EQ(r.status, ReplyStatus::ok);
  done_ns = rt.now().count();
}

TEST(SimRedisStreamLog, StreamCommandsQueueWithTheStrategysKvRequestsOnTheNode) {
  World w(1, 1, 1);
  std::vector<Acked> acked;
  std::int64_t incr_done = 0;
  w.rt.spawn(append_at(w.rt, Log(w.streams), 0us, LogEvent{1, 1, +1}, acked));
  w.rt.spawn(incr_at(w.rt, Kv(w.redis), 0us, KeyId::counter(1), incr_done));
  w.s.run();
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0].at_ns, 32'000);
  EXPECT_EQ(incr_done, 20'000 + 12'000 + 11'000);  // behind the XADD on the one thread
}

TEST(SimRedisStreamLog, AppendsReadInOneIterationShareAnFsyncWithAppendfsyncAlways) {
  World w(1, 1, 1, sim::RedisCosts::Appendfsync::always);
  std::vector<Acked> acked;
  for (UserId u = 1; u <= 3; ++u) {
    w.rt.spawn(append_at(w.rt, Log(w.streams), 0us, LogEvent{1, u, +1}, acked));
  }
  w.s.run();
  ASSERT_EQ(acked.size(), 3u);
  // The first alone (10 + 12 + 100 fsync); the other two in the next iteration: 24 + 100.
  EXPECT_EQ(acked[0].at_ns, 10'000 + 112'000 + 10'000);
  EXPECT_EQ(acked[1].at_ns, 10'000 + 112'000 + 124'000 + 10'000);
  EXPECT_EQ(acked[2].at_ns, acked[1].at_ns);
  EXPECT_EQ(w.redis.node_stats(0).fsyncs, 2u);
}

Task<void> poll_once(Runtime& rt, Log log, std::uint32_t consumer, std::uint32_t max,
                     std::vector<std::int64_t>& offsets, std::int64_t& at_ns) {
  std::array<LogRecord, 64> recs{};
  const LogReply r = co_await log.poll(consumer, std::span<LogRecord>(recs.data(), max));
  EXPECT_EQ(r.status, ReplyStatus::ok);
  for (std::uint32_t i = 0; i < r.n; ++i) offsets.push_back(recs[i].offset);
  at_ns = rt.now().count();
}

TEST(SimRedisStreamLog, AnEmptyPollIsRoundsOfXreadgroupOnTheNodeTwoMillisecondsApart) {
  World w(1, 4, 2);  // consumer 1 owns partitions 1 and 3
  std::vector<std::int64_t> offsets;
  std::int64_t at = 0;
  w.rt.spawn(poll_once(w.rt, Log(w.streams), 1, 64, offsets, at));
  w.s.run();
  EXPECT_TRUE(offsets.empty());
  // A round is two empty reads, 31 µs each (rtt + request + empty read), then a 2 ms pause:
  // rounds start at 0, 2.062, 4.124, 6.186, 8.248 ms; the sixth, after a pause cut to the
  // 10 ms deadline, starts at 10 and ends at 10.062 ms with the deadline passed.
  EXPECT_EQ(at, 10'062'000);
  EXPECT_EQ(w.streams.stats().commands, 12u);
  EXPECT_EQ(w.redis.node_stats(0).requests, 12u);
  EXPECT_EQ(w.redis.node_stats(0).busy_ns, 12 * 11'000);
}

TEST(SimRedisStreamLog, APollWithDataCostsOneReadOfItsEntries) {
  World w(1, 1, 1);
  std::vector<Acked> acked;
  for (UserId u = 1; u <= 4; ++u) {
    w.rt.spawn(append_at(w.rt, Log(w.streams), 0us, LogEvent{1, u, +1}, acked));
  }
  w.s.run();
  const std::int64_t busy_before = w.redis.node_stats(0).busy_ns;
  const Time start = w.s.now();
  std::vector<std::int64_t> offsets;
  std::int64_t at = 0;
  w.rt.spawn(poll_once(w.rt, Log(w.streams), 0, 64, offsets, at));
  w.s.run();
  EXPECT_EQ(offsets.size(), 4u);
  EXPECT_EQ(at - start.count(), 20'000 + 10'000 + 3'000 + 4 * 500);
  EXPECT_EQ(w.redis.node_stats(0).busy_ns - busy_before, 15'000);
  EXPECT_EQ(w.streams.pending_entries(0), 4u);
}

struct Crash {
  std::vector<std::vector<std::int64_t>> polls;
  std::vector<std::int64_t> lags;
  std::vector<std::size_t> pending;
};

Task<void> crash_and_take_over(World& w, Crash& out) {
  Log log(w.streams);
  std::array<LogRecord, 64> recs{};
  auto poll = [&](std::uint32_t max) -> Log::Awaiter {
    return log.poll(0, std::span<LogRecord>(recs.data(), max));
  };
  LogReply r = co_await poll(64);  // all ten
  out.polls.emplace_back();
  for (std::uint32_t i = 0; i < r.n; ++i) out.polls.back().push_back(recs[i].offset);
  const LogReply c = co_await log.commit(0, 0, recs[1].offset + 1);  // two processed
  (void)c;
  out.lags.push_back(w.streams.lag());
  out.pending.push_back(w.streams.pending_entries(0));
  const LogReply rw = co_await log.rewind(0);  // the consumer died with eight unacknowledged
  (void)rw;
  // Its replacement takes the eight over with XAUTOCLAIM, three at a time, before new ones.
  for (int i = 0; i < 4; ++i) {
    r = co_await poll(3);
    out.polls.emplace_back();
    for (std::uint32_t k = 0; k < r.n; ++k) out.polls.back().push_back(recs[k].offset);
  }
  out.pending.push_back(w.streams.pending_entries(0));
  const LogReply c2 = co_await log.commit(0, 0, recs[r.n - 1].offset + 1);
  (void)c2;
  out.lags.push_back(w.streams.lag());
  out.pending.push_back(w.streams.pending_entries(0));
}

TEST(SimRedisStreamLog, AfterAConsumerCrashExactlyThePendingEntriesAreRedeliveredFirst) {
  World w(1, 1, 1);
  std::vector<Acked> acked;
  for (UserId u = 1; u <= 10; ++u) {
    w.rt.spawn(append_at(w.rt, Log(w.streams), Duration(u * 10'000), LogEvent{1, u, +1}, acked));
  }
  // Two more after the crash (at 50 ms): new entries, read only once the takeover is done.
  for (UserId u = 11; u <= 12; ++u) {
    w.rt.spawn(append_at(w.rt, Log(w.streams), 50ms, LogEvent{1, u, +1}, acked));
  }
  w.s.run_until(Time(1ms));
  Crash crash;
  w.rt.spawn([](Runtime& rt, World& w, Crash& out) -> Task<void> {
    co_await rt.sleep_for(40ms);  // the first ten are in, the last two not yet
    co_await crash_and_take_over(w, out);
  }(w.rt, w, crash));
  w.s.run();
  ASSERT_EQ(acked.size(), 12u);
  std::vector<std::int64_t> o;
  for (const Acked& a : acked) o.push_back(a.reply.offset);
  ASSERT_TRUE(std::is_sorted(o.begin(), o.end()));
  using V = std::vector<std::int64_t>;
  ASSERT_EQ(crash.polls.size(), 5u);
  EXPECT_EQ(crash.polls[0], V(o.begin(), o.begin() + 10));
  EXPECT_EQ(crash.polls[1], (V{o[2], o[3], o[4]}));
  EXPECT_EQ(crash.polls[2], (V{o[5], o[6], o[7]}));
  EXPECT_EQ(crash.polls[3], (V{o[8], o[9]}));
  EXPECT_EQ(crash.polls[4], (V{o[10], o[11]}));
  EXPECT_EQ(w.streams.stats().redelivered, 8u);
  EXPECT_EQ(w.streams.stats().delivered, 20u);
  EXPECT_EQ(crash.lags, (V{8, 0}));
  EXPECT_EQ(crash.pending, (std::vector<std::size_t>{8, 10, 0}));  // acked only by the commit
  EXPECT_EQ(w.streams.stats().acked, 12u);
}

}  // namespace
}  // namespace likesim
