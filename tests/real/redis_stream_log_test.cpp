// RedisStreamLog against the servers of `scripts/backends up`. reset() recreates the streams
// log:{0}..log:{P-1} and the group, so each test starts from an empty log.
#include "engine/backends/real/redis_stream_log.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <vector>

#include "engine/core/random_stream.h"

namespace likesim::real {
namespace {

using namespace std::chrono_literals;

RedisOptions options_for(bool cluster) {
  RedisOptions o;
  if (cluster) {
    o.nodes = {{"127.0.0.1", 7101}, {"127.0.0.1", 7102}, {"127.0.0.1", 7103}};
  } else {
    o.nodes = {{"127.0.0.1", 7001}};
  }
  o.cluster = cluster;
  return o;
}

Task<LogReply> append(Log log, LogEvent e) {
  LogReply r = co_await log.append(e);
  co_return r;
}
Task<LogReply> poll(Log log, std::uint32_t consumer, std::vector<LogRecord>* out) {
  LogReply r = co_await log.poll(consumer, *out);
  co_return r;
}
Task<LogReply> commit(Log log, std::uint32_t consumer, std::uint32_t partition, std::int64_t next) {
  LogReply r = co_await log.commit(consumer, partition, next);
  co_return r;
}
Task<LogReply> rewind(Log log, std::uint32_t consumer) {
  LogReply r = co_await log.rewind(consumer);
  co_return r;
}

struct Rig {
  Rig(bool cluster, StreamLogOptions options)
      : rt(io), redis(rt, options_for(cluster)), stream_log(rt, redis, options), log(stream_log) {
    stream_log.reset();
  }
  LogReply append(PostId post, UserId user, int delta = 1) {
    return rt.block_on(likesim::real::append(log, {post, user, delta}), 5s);
  }
  // One poll; the records it returned.
  std::vector<LogRecord> poll(std::uint32_t consumer, LogReply* reply = nullptr,
                              std::size_t max = 512) {
    std::vector<LogRecord> out(max);
    const LogReply r = rt.block_on(likesim::real::poll(log, consumer, &out), 5s);
    EXPECT_EQ(r.status, ReplyStatus::ok);
    out.resize(r.n);
    if (reply) *reply = r;
    return out;
  }
  LogReply commit(std::uint32_t consumer, std::uint32_t partition, std::int64_t next) {
    return rt.block_on(likesim::real::commit(log, consumer, partition, next), 5s);
  }
  LogReply rewind(std::uint32_t consumer) {
    return rt.block_on(likesim::real::rewind(log, consumer), 5s);
  }
  // Polls `consumer` until a poll comes back empty; every record, in delivery order.
  std::vector<LogRecord> drain(std::uint32_t consumer) {
    std::vector<LogRecord> all;
    for (;;) {
      std::vector<LogRecord> batch = poll(consumer);
      if (batch.empty()) return all;
      all.insert(all.end(), batch.begin(), batch.end());
    }
  }

  boost::asio::io_context io;
  AsioRuntime rt;
  RedisClient redis;
  RedisStreamLog stream_log;
  Log log;
};

PostId fresh_post() {
  static std::mt19937_64 rng{std::random_device{}()};
  return static_cast<PostId>(1'000'000'000u + rng() % 3'000'000'000u);
}

class RedisStreamLogModes : public ::testing::TestWithParam<bool> {};

TEST_P(RedisStreamLogModes, AppendedEventsArePolledByTheirPartitionsOwnerAndCommitted) {
  Rig rig(GetParam(), {.partitions = 6, .consumers = 2, .poll_timeout = 50ms});
  std::map<std::uint32_t, std::vector<LogEvent>> appended;  // by partition, in order
  for (int i = 0; i < 60; ++i) {
    const LogEvent e{fresh_post(), static_cast<UserId>(i), i % 3 == 0 ? -1 : 1};
    const LogReply a = rig.append(e.post, e.user, e.delta);
    ASSERT_EQ(a.status, ReplyStatus::ok);
    EXPECT_EQ(a.partition, mix64(e.post) % 6);  // as sim::KafkaLog places it
    EXPECT_GT(a.offset, 0);
    appended[a.partition].push_back(e);
  }
  EXPECT_EQ(rig.stream_log.lag(), 60);

  std::map<std::uint32_t, std::vector<LogRecord>> polled;
  for (std::uint32_t c = 0; c < 2; ++c) {
    for (const LogRecord& r : rig.drain(c)) {
      EXPECT_EQ(r.partition % 2, c) << "consumer " << c << " got partition " << r.partition;
      polled[r.partition].push_back(r);
    }
  }
  for (auto& [p, events] : appended) {
    const std::vector<LogRecord>& records = polled[p];
    ASSERT_EQ(records.size(), events.size()) << "partition " << p;
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(records[i].event.post, events[i].post);
      EXPECT_EQ(records[i].event.user, events[i].user);
      EXPECT_EQ(records[i].event.delta, events[i].delta);
      if (i > 0) {
        EXPECT_GT(records[i].offset, records[i - 1].offset);  // offsets grow
      }
    }
    EXPECT_EQ(rig.commit(p % 2, p, records.back().offset + 1).status, ReplyStatus::ok);
  }
  EXPECT_EQ(rig.stream_log.lag(), 0);
  EXPECT_EQ(rig.stream_log.redelivered(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Redis, RedisStreamLogModes, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Cluster" : "Standalone"; });

TEST(RedisStreamLog, APollRotatesOverTheConsumersPartitions) {
  Rig rig(false, {.partitions = 4, .consumers = 2, .poll_timeout = 50ms});
  // Events for partitions 0 and 2, both consumer 0's.
  std::set<std::uint32_t> wanted = {0, 2};
  std::map<std::uint32_t, int> count;
  while (count[0] < 3 || count[2] < 3) {
    const PostId post = fresh_post();
    const auto p = static_cast<std::uint32_t>(mix64(post) % 4);
    if (!wanted.contains(p) || count[p] >= 3) continue;
    ASSERT_EQ(rig.append(post, 1).partition, p);
    ++count[p];
  }
  LogReply first;
  LogReply second;
  EXPECT_EQ(rig.poll(0, &first).size(), 3u);
  EXPECT_EQ(rig.poll(0, &second).size(), 3u);
  EXPECT_EQ(std::set<std::uint32_t>({first.partition, second.partition}), wanted);
  EXPECT_TRUE(rig.poll(1).empty());
}

TEST(RedisStreamLog, AnEmptyPollWaitsForThePollTimeout) {
  Rig rig(false, {.partitions = 2, .consumers = 1, .poll_timeout = 80ms});
  const Time start = rig.rt.now();
  EXPECT_TRUE(rig.poll(0).empty());
  EXPECT_GE(rig.rt.now() - start, 80ms);
  EXPECT_LT(rig.rt.now() - start, 500ms);
}

TEST(RedisStreamLog, APollReturnsRecordsAppendedWhileItWaits) {
  Rig rig(false, {.partitions = 1, .consumers = 1, .poll_timeout = 2000ms});
  std::vector<LogRecord> out(16);
  LogReply got;
  bool done = false;
  auto poller = [](Log log, std::vector<LogRecord>* out, LogReply* got, bool* done) -> Task<void> {
    *got = co_await log.poll(0, *out);
    *done = true;
  };
  rig.rt.spawn(poller(rig.log, &out, &got, &done));
  rig.rt.run_until([] { return false; }, rig.rt.now() + 30ms);
  EXPECT_FALSE(done);
  const Time appended_at = rig.rt.now();
  rig.append(fresh_post(), 77);
  ASSERT_TRUE(rig.rt.run_until([&] { return done; }, rig.rt.now() + 3s));
  EXPECT_EQ(got.n, 1u);
  EXPECT_EQ(out[0].event.user, 77u);
  EXPECT_LT(rig.rt.now() - appended_at, 100ms);
}

TEST(RedisStreamLog, RewindRedeliversWhatWasNotCommittedBeforeNewRecords) {
  Rig rig(false, {.partitions = 1, .consumers = 1, .poll_timeout = 50ms});
  for (UserId u = 0; u < 10; ++u) rig.append(fresh_post(), u);
  const std::vector<LogRecord> first = rig.poll(0, nullptr, 6);
  ASSERT_EQ(first.size(), 6u);
  // Commit the first 4; records 4 and 5 were delivered but not committed when it "crashed".
  EXPECT_EQ(rig.commit(0, 0, first[3].offset + 1).status, ReplyStatus::ok);
  EXPECT_EQ(rig.stream_log.lag(), 6);
  EXPECT_EQ(rig.rewind(0).status, ReplyStatus::ok);
  rig.append(fresh_post(), 10);  // after the crash

  const std::vector<LogRecord> all = rig.drain(0);
  std::vector<UserId> users;
  for (const LogRecord& r : all) users.push_back(r.event.user);
  // The uncommitted pair again (XAUTOCLAIM), then the rest in order.
  EXPECT_EQ(users, (std::vector<UserId>{4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(all[0].offset, first[4].offset);
  EXPECT_EQ(rig.stream_log.redelivered(), 2u);

  EXPECT_EQ(rig.commit(0, 0, all.back().offset + 1).status, ReplyStatus::ok);
  EXPECT_EQ(rig.stream_log.lag(), 0);
  rig.rewind(0);  // nothing pending: nothing comes back
  EXPECT_TRUE(rig.drain(0).empty());
}

TEST(RedisStreamLog, LagIsAppendedMinusAcknowledged) {
  Rig rig(true, {.partitions = 3, .consumers = 3, .poll_timeout = 30ms});
  for (UserId u = 0; u < 12; ++u) rig.append(fresh_post(), u);
  EXPECT_EQ(rig.stream_log.lag(), 12);
  std::int64_t acked = 0;
  for (std::uint32_t c = 0; c < 3; ++c) {
    LogReply r;
    const std::vector<LogRecord> batch = rig.poll(c, &r);
    if (batch.empty()) continue;
    EXPECT_EQ(r.partition, c);
    // Half of the batch.
    const std::size_t half = (batch.size() + 1) / 2;
    EXPECT_EQ(rig.commit(c, r.partition, batch[half - 1].offset + 1).status, ReplyStatus::ok);
    acked += static_cast<std::int64_t>(half);
  }
  EXPECT_GT(acked, 0);
  EXPECT_EQ(rig.stream_log.lag(), 12 - acked);
}

}  // namespace
}  // namespace likesim::real
