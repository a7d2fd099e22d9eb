// An event-loop iteration's own cost (iteration_us: its syscalls), as Redis pays it: once per
// iteration, shared by every request read in it, under any appendfsync setting. Completion
// times are worked out by hand from the costs below.
#include <gtest/gtest.h>

#include <vector>

#include "engine/backends/kv.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

sim::RedisCosts costs(double iteration_us) {
  sim::RedisCosts c;
  c.nodes = 1;
  c.rtt_us = 20;  // 10 each way
  c.request_us = 10;
  c.command_us = 1;
  c.iteration_us = iteration_us;
  c.appendfsync = sim::RedisCosts::Appendfsync::everysec;
  return c;
}

Task<void> incr_at(Runtime& rt, Kv kv, Duration after, std::vector<std::int64_t>& done) {
  co_await rt.sleep_for(after);
  const KvReply r = co_await kv.incr_by(KeyId::counter(1), 1);
  EXPECT_EQ(r.status, ReplyStatus::ok);
  done.push_back(rt.now().count());
}

std::vector<std::int64_t> three_incrs(sim::RedisCluster& redis, Scheduler& s) {
  SimRuntime rt(s);
  std::vector<std::int64_t> done;
  for (int i = 0; i < 3; ++i) rt.spawn(incr_at(rt, Kv(redis), Duration(i * 1000), done));
  s.run();
  return done;
}

TEST(RedisNodeIteration, RequestsReadInOneIterationShareItsCost) {
  Scheduler s;
  const sim::RedisCosts c = costs(5);
  sim::RedisCluster redis(s, c, 1);
  // The first arrives at 10 µs on an idle thread: 11 µs of request, its reply leaves at 21
  // and arrives at 31; the thread pays the iteration's 5 µs after it, until 26. The others
  // arrive at 11 and 12 µs, while it works: the next iteration, at 26, reads both: 26 + 22
  // = 48, replies at 58 (alone, each request would have waited only for the one before).
  EXPECT_EQ(three_incrs(redis, s), (std::vector<std::int64_t>{31'000, 58'000, 58'000}));
  EXPECT_EQ(redis.node_stats(0).iterations, 2u);
  EXPECT_EQ(redis.node_stats(0).fsyncs, 0u);  // everysec: no fsync on the thread
  EXPECT_EQ(redis.node_stats(0).busy_ns, 3 * 11'000 + 2 * 5'000);
  EXPECT_EQ(redis.peek_value(KeyId::counter(1)), 3);
}

TEST(RedisNodeIteration, WithoutAnIterationCostEachRequestIsServedAlone) {
  Scheduler s;
  const sim::RedisCosts c = costs(0);
  sim::RedisCluster redis(s, c, 1);
  // FIFO, completion known on arrival: 10 + 11 = 21 -> 31; 32 -> 42; 43 -> 53.
  EXPECT_EQ(three_incrs(redis, s), (std::vector<std::int64_t>{31'000, 42'000, 53'000}));
  EXPECT_EQ(redis.node_stats(0).iterations, 0u);
  EXPECT_EQ(redis.node_stats(0).busy_ns, 3 * 11'000);
}

}  // namespace
}  // namespace likesim
