// appendfsync always, as Redis does it: one AOF write + fsync per event-loop iteration (in
// beforeSleep), shared by every command read in that iteration, before their replies are sent;
// an iteration that modified nothing is not fsynced.
#include <gtest/gtest.h>

#include <vector>

#include "engine/backends/kv.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

sim::RedisCosts costs(int nodes = 1) {
  sim::RedisCosts c;
  c.nodes = nodes;
  c.rtt_us = 20;
  c.request_us = 10;
  c.command_us = 1;
  c.set_command_us = 2;
  c.mget_base_us = 1;
  c.mget_per_key_us = 0.5;
  c.fsync_always_us = 100;
  c.appendfsync = sim::RedisCosts::Appendfsync::always;
  return c;
}

Task<void> command_at(Runtime& rt, Kv kv, Duration after, KvCommand c,
                      std::vector<std::int64_t>& done) {
  co_await rt.sleep_for(after);
  const KvReply r = co_await kv.run(c);
  EXPECT_EQ(r.status, ReplyStatus::ok);
  done.push_back(rt.now().count());
}

TEST(RedisNodeFsync, CommandsReadInOneIterationShareOneFsyncAndReplyAfterIt) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(), 1);
  std::vector<std::int64_t> done;
  for (int i = 0; i < 3; ++i) {
    rt.spawn(command_at(rt, Kv(redis), Duration(i * 1000), KvCommand::incr_by(KeyId::counter(1), 1),
                        done));
  }
  s.run();
  // The first arrives at 10 µs on an idle thread: 11 µs of work + its fsync, reply at 131.
  // The other two arrive (11, 12 µs) while it works: the next iteration, at 121, reads both:
  // 22 µs + one fsync = 243, and both replies leave then. (An fsync per write: 131, 242, 353.)
  EXPECT_EQ(done, (std::vector<std::int64_t>{131'000, 253'000, 253'000}));
  EXPECT_EQ(redis.node_stats(0).fsyncs, 2u);
  EXPECT_EQ(redis.node_stats(0).busy_ns, 3 * 11'000 + 2 * 100'000);
  EXPECT_EQ(redis.peek_value(KeyId::counter(1)), 3);
}

TEST(RedisNodeFsync, OneClientAtATimePaysAnFsyncPerWrite) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(), 1);
  std::vector<std::int64_t> done;
  for (int i = 0; i < 3; ++i) {
    rt.spawn(command_at(rt, Kv(redis), Duration(i * 1'000'000),
                        KvCommand::incr_by(KeyId::counter(1), 1), done));
  }
  s.run();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(done[static_cast<std::size_t>(i)], i * 1'000'000 + 131'000);
  EXPECT_EQ(redis.node_stats(0).fsyncs, 3u);
}

TEST(RedisNodeFsync, AnIterationThatModifiedNothingIsNotFsynced) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(), 1);
  std::vector<std::int64_t> done;
  const KvCommand add{KeyId::like_set(1), {}, 42, KvVerb::sadd};
  rt.spawn(command_at(rt, Kv(redis), 0us, add, done));                                // +fsync
  rt.spawn(command_at(rt, Kv(redis), 1ms, add, done));                                // exists
  rt.spawn(command_at(rt, Kv(redis), 2ms, KvCommand::get(KeyId::counter(1)), done));  // a read
  s.run();
  EXPECT_EQ(done, (std::vector<std::int64_t>{132'000, 1'032'000, 2'031'000}));
  EXPECT_EQ(redis.node_stats(0).fsyncs, 1u);
}

TEST(RedisNodeFsync, AReadInAWritingIterationWaitsForItsFsync) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(), 1);
  std::vector<std::int64_t> done;
  rt.spawn(command_at(rt, Kv(redis), 0us, KvCommand::incr_by(KeyId::counter(1), 1), done));
  rt.spawn(command_at(rt, Kv(redis), 1us, KvCommand::incr_by(KeyId::counter(1), 1), done));
  rt.spawn(command_at(rt, Kv(redis), 2us, KvCommand::get(KeyId::counter(1)), done));
  s.run();
  // Iteration 2 (from 121 µs) holds the INCR and the GET: 11 + 11 + fsync; both answer at 243.
  EXPECT_EQ(done, (std::vector<std::int64_t>{131'000, 253'000, 253'000}));
}

Task<void> incr_after(Runtime& rt, Kv kv, Duration after, std::vector<KvReply>& out) {
  co_await rt.sleep_for(after);
  const KvReply r = co_await kv.incr_by(KeyId::counter(1), 1);
  out.push_back(r);
}

TEST(RedisNodeFsync, APendingCallPastItsDeadlineTimesOutAndStillLands) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCosts c = costs();
  c.fsync_always_us = 3000;
  c.timeout_ms = 2;
  sim::RedisCluster redis(s, c, 1);
  std::vector<KvReply> first;
  rt.spawn(incr_after(rt, Kv(redis), 0us, first));
  std::vector<KvReply> late;
  rt.spawn(incr_after(rt, Kv(redis), 1us, late));
  s.run();
  // The second call joins the iteration that starts at 3,021 µs, past its 2,001 µs deadline.
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].status, ReplyStatus::timeout);
  EXPECT_EQ(redis.node_stats(0).timeouts, 2u);  // the first one's 3 ms fsync misses 2 ms too
  EXPECT_EQ(redis.peek_value(KeyId::counter(1)), 2);
}

TEST(RedisNodeFsync, WithoutAlwaysNoFsyncIsCharged) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCosts c = costs();
  c.appendfsync = sim::RedisCosts::Appendfsync::everysec;
  sim::RedisCluster redis(s, c, 1);
  std::vector<std::int64_t> done;
  for (int i = 0; i < 3; ++i) {
    rt.spawn(command_at(rt, Kv(redis), Duration(i * 1000), KvCommand::incr_by(KeyId::counter(1), 1),
                        done));
  }
  s.run();
  EXPECT_EQ(done, (std::vector<std::int64_t>{31'000, 42'000, 53'000}));
  EXPECT_EQ(redis.node_stats(0).fsyncs, 0u);
}

}  // namespace
}  // namespace likesim
