// The Log contract (engine/backends/log.h), over both simulated logs: Kafka and Redis Streams.
// Times differ between them (linger, broker thread vs Redis node); what a strategy relies on
// must not: every append is delivered once to the consumer owning its partition, in offset
// order, with the offset its append was acknowledged with; a rewind redelivers exactly the
// delivered, uncommitted records; an empty poll answers nothing after the poll timeout; lag is
// appended minus committed.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/backends/sim/kafka_log.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/backends/sim/redis_stream_log.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

enum class LogKind { kafka, redis_streams };

sim::KafkaCosts log_costs(int partitions) {
  sim::KafkaCosts c;
  c.partitions = partitions;
  c.linger_ms = 5;
  c.batch_records = 4;
  c.rtt_us = 20;
  c.max_poll_records = 500;
  c.poll_timeout_ms = 50;
  return c;
}

sim::RedisCosts redis_costs() {
  sim::RedisCosts c;
  c.nodes = 3;
  return c;
}

// One simulated world with both logs; the test uses the one its parameter names.
struct LogWorld {
  LogWorld(LogKind kind, int partitions, int consumers)
      : kind(kind),
        rt(s),
        redis(s, redis_costs(), 1),
        kafka(s, log_costs(partitions), consumers, 1),
        streams(rt, redis, log_costs(partitions), consumers) {}
  Log log() { return kind == LogKind::kafka ? Log(kafka) : Log(streams); }
  std::int64_t lag() const { return kind == LogKind::kafka ? kafka.lag() : streams.lag(); }
  std::uint64_t redelivered() const {
    return kind == LogKind::kafka ? kafka.stats().redelivered : streams.stats().redelivered;
  }

  LogKind kind;
  Scheduler s;
  SimRuntime rt;
  sim::RedisCluster redis;
  sim::KafkaLog kafka;
  sim::RedisStreamLog streams;
};

class LogContract : public ::testing::TestWithParam<LogKind> {};

struct Appended {
  LogEvent event;
  LogReply reply;
};

Task<void> append_one(Log log, LogEvent e, std::vector<Appended>& out) {
  const LogReply r = co_await log.append(e);
  EXPECT_EQ(r.status, ReplyStatus::ok);
  out.push_back({e, r});
}

// Polls until a poll comes back empty, committing each batch; records what it got.
Task<void> drain(Log log, std::uint32_t consumer, std::vector<LogRecord>& got, bool commit) {
  std::array<LogRecord, 64> recs{};
  for (;;) {
    const LogReply r = co_await log.poll(consumer, recs);
    EXPECT_EQ(r.status, ReplyStatus::ok);
    if (r.n == 0) co_return;
    for (std::uint32_t i = 0; i < r.n; ++i) {
      EXPECT_EQ(recs[i].partition, r.partition);
      got.push_back(recs[i]);
    }
    if (commit) {
      const LogReply c = co_await log.commit(consumer, r.partition, recs[r.n - 1].offset + 1);
      EXPECT_EQ(c.status, ReplyStatus::ok);
    }
  }
}

TEST_P(LogContract, EveryAppendIsDeliveredOnceToItsPartitionsOwnerInOffsetOrder) {
  LogWorld w(GetParam(), 4, 2);
  std::vector<Appended> appended;
  for (UserId u = 1; u <= 40; ++u) {
    w.rt.spawn(append_one(w.log(), LogEvent{1 + u % 7, u, u % 3 == 0 ? -1 : +1}, appended));
  }
  w.s.run();
  ASSERT_EQ(appended.size(), 40u);
  EXPECT_EQ(w.lag(), 40);
  std::vector<LogRecord> got[2];
  for (std::uint32_t c = 0; c < 2; ++c) w.rt.spawn(drain(w.log(), c, got[c], true));
  w.s.run();
  std::map<std::pair<std::uint32_t, std::int64_t>, LogEvent> expected;
  for (const Appended& a : appended) {
    EXPECT_EQ(a.reply.partition, log_partition(a.event.post, 4));
    expected[{a.reply.partition, a.reply.offset}] = a.event;
  }
  ASSERT_EQ(expected.size(), 40u);  // offsets are unique within a partition
  std::size_t delivered = 0;
  for (std::uint32_t c = 0; c < 2; ++c) {
    std::map<std::uint32_t, std::int64_t> last;
    for (const LogRecord& r : got[c]) {
      EXPECT_EQ(r.partition % 2, c) << "consumer " << c << " owns p % 2 == " << c;
      auto it = expected.find({r.partition, r.offset});
      ASSERT_NE(it, expected.end());
      EXPECT_EQ(it->second.post, r.event.post);
      EXPECT_EQ(it->second.user, r.event.user);
      EXPECT_EQ(it->second.delta, r.event.delta);
      if (last.contains(r.partition)) {
        EXPECT_GT(r.offset, last[r.partition]);
      }
      last[r.partition] = r.offset;
      ++delivered;
    }
  }
  EXPECT_EQ(delivered, 40u);
  EXPECT_EQ(w.lag(), 0);
  EXPECT_EQ(w.redelivered(), 0u);
}

struct CrashRun {
  std::vector<std::int64_t> first, second, third;
  std::vector<std::int64_t> lags;
};

Task<void> consume_crash_consume(LogWorld& w, CrashRun& out) {
  Log log = w.log();
  std::array<LogRecord, 64> recs{};
  LogReply r = co_await log.poll(0, recs);
  for (std::uint32_t i = 0; i < r.n; ++i) out.first.push_back(recs[i].offset);
  // Records 0..5 processed and committed; 6..9 were in flight when the consumer died.
  const LogReply c = co_await log.commit(0, r.partition, recs[5].offset + 1);
  EXPECT_EQ(c.status, ReplyStatus::ok);
  out.lags.push_back(w.lag());
  const LogReply rw = co_await log.rewind(0);
  EXPECT_EQ(rw.status, ReplyStatus::ok);
  r = co_await log.poll(0, recs);
  for (std::uint32_t i = 0; i < r.n; ++i) out.second.push_back(recs[i].offset);
  const LogReply c2 = co_await log.commit(0, r.partition, recs[r.n - 1].offset + 1);
  EXPECT_EQ(c2.status, ReplyStatus::ok);
  out.lags.push_back(w.lag());
  r = co_await log.poll(0, recs);  // nothing more
  out.third.push_back(r.n);
}

TEST_P(LogContract, ARewindRedeliversExactlyTheDeliveredUncommittedRecords) {
  LogWorld w(GetParam(), 1, 1);
  std::vector<Appended> appended;
  for (UserId u = 1; u <= 10; ++u) w.rt.spawn(append_one(w.log(), LogEvent{7, u, +1}, appended));
  w.s.run();
  ASSERT_EQ(appended.size(), 10u);
  std::vector<std::int64_t> offsets;
  for (const Appended& a : appended) offsets.push_back(a.reply.offset);
  std::sort(offsets.begin(), offsets.end());
  CrashRun run;
  w.rt.spawn(consume_crash_consume(w, run));
  w.s.run();
  EXPECT_EQ(run.first, offsets);
  EXPECT_EQ(run.second, std::vector<std::int64_t>(offsets.begin() + 6, offsets.end()));
  EXPECT_EQ(run.third, (std::vector<std::int64_t>{0}));
  EXPECT_EQ(run.lags, (std::vector<std::int64_t>{4, 0}));
  EXPECT_EQ(w.redelivered(), 4u);
}

Task<void> poll_once(Runtime& rt, Log log, std::uint32_t consumer, std::uint32_t max, LogReply& out,
                     std::int64_t& took_ns) {
  std::array<LogRecord, 64> recs{};
  const Time start = rt.now();
  const LogReply r = co_await log.poll(consumer, std::span<LogRecord>(recs.data(), max));
  out = r;
  took_ns = (rt.now() - start).count();
}

TEST_P(LogContract, AnEmptyPollAnswersNothingAfterThePollTimeout) {
  LogWorld w(GetParam(), 4, 2);
  LogReply r;
  r.n = 99;
  std::int64_t took = 0;
  w.rt.spawn(poll_once(w.rt, w.log(), 1, 64, r, took));
  w.s.run();
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_EQ(r.n, 0u);
  EXPECT_GE(took, 50'000'000);
  EXPECT_LT(took, 51'000'000);  // at most one last round of reads after the timeout
}

TEST_P(LogContract, APollReturnsAtMostTheCallersMax) {
  LogWorld w(GetParam(), 1, 1);
  std::vector<Appended> appended;
  for (UserId u = 1; u <= 10; ++u) w.rt.spawn(append_one(w.log(), LogEvent{7, u, +1}, appended));
  w.s.run();
  LogReply r;
  std::int64_t took = 0;
  w.rt.spawn(poll_once(w.rt, w.log(), 0, 3, r, took));
  w.s.run();
  EXPECT_EQ(r.n, 3u);
  EXPECT_EQ(w.lag(), 10);  // delivered is not committed
}

std::string kind_name(const ::testing::TestParamInfo<LogKind>& info) {
  return info.param == LogKind::kafka ? "Kafka" : "RedisStreams";
}

INSTANTIATE_TEST_SUITE_P(BothSimulatedLogs, LogContract,
                         ::testing::Values(LogKind::kafka, LogKind::redis_streams), kind_name);

}  // namespace
}  // namespace likesim
