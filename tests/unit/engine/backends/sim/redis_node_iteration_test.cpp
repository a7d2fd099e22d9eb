// A sleeping event-loop iteration's cost (iteration_us: into epoll_wait and out again), as
// Redis pays it: after an iteration that found nothing waiting, before the thread reads again;
// requests read in one iteration share one; a busy thread pays none. Under any appendfsync
// setting. Completion times are worked out by hand from the costs below.
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

std::vector<std::int64_t> incrs_sent_at(sim::RedisCluster& redis, Scheduler& s,
                                        std::vector<int> sent_us) {
  SimRuntime rt(s);
  std::vector<std::int64_t> done;
  for (const int at : sent_us) rt.spawn(incr_at(rt, Kv(redis), Duration(at * 1000), done));
  s.run();
  return done;
}

std::vector<std::int64_t> three_incrs(sim::RedisCluster& redis, Scheduler& s) {
  return incrs_sent_at(redis, s, {0, 1, 2});
}

TEST(RedisNodeIteration, RequestsWaitingWhenAnIterationEndsAreReadAtOnceInOneIteration) {
  Scheduler s;
  const sim::RedisCosts c = costs(5);
  sim::RedisCluster redis(s, c, 1);
  // The first arrives at 10 µs on an idle thread: 11 µs of request, its reply leaves at 21
  // and arrives at 31. The others arrive at 11 and 12 µs, while it works: waiting when the
  // iteration ends, so the thread does not sleep; the next iteration, at 21, reads both:
  // 21 + 22 = 43, replies at 53 (alone, each request would have waited only for the one
  // before). Nothing waits at 43: the thread sleeps, but no one comes to pay for it.
  EXPECT_EQ(three_incrs(redis, s), (std::vector<std::int64_t>{31'000, 53'000, 53'000}));
  EXPECT_EQ(redis.node_stats(0).iterations, 2u);
  EXPECT_EQ(redis.node_stats(0).fsyncs, 0u);  // everysec: no fsync on the thread
  EXPECT_EQ(redis.node_stats(0).busy_ns, 3 * 11'000);
  EXPECT_EQ(redis.peek_value(KeyId::counter(1)), 3);
}

TEST(RedisNodeIteration, ARequestAfterTheThreadSleptWaitsForTheSleepingIterationsCost) {
  Scheduler s;
  const sim::RedisCosts c = costs(5);
  sim::RedisCluster redis(s, c, 1);
  // 10..21 -> 31. The second arrives at 22, after the iteration ended with nothing waiting:
  // the thread slept (21..26), reads at 26: 26..37 -> 47. The third arrives at 40, inside the
  // sleep after 37 (37..42): read at 42, 42..53 -> 63. A paced request that arrives after
  // the sleep's cost is answered as if there were none.
  EXPECT_EQ(incrs_sent_at(redis, s, {0, 12, 30, 60}),
            (std::vector<std::int64_t>{31'000, 47'000, 63'000, 91'000}));
  EXPECT_EQ(redis.node_stats(0).iterations, 4u);
  EXPECT_EQ(redis.node_stats(0).busy_ns, 4 * 11'000 + 3 * 5'000);
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
