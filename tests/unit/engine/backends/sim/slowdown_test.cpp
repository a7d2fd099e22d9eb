// backend_slowdown in the simulated servers: service times are `factor` times longer inside
// the window only, round trips are not, and work straddling an edge slows for its part inside.
#include "engine/backends/sim/slowdown.h"

#include <gtest/gtest.h>

#include "engine/backends/sim/postgres_server.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

TEST(Slowdowns, StretchesOnlyTheWorkInsideTheWindow) {
  sim::Slowdowns s;
  EXPECT_EQ(s.stretch(Time(5us), Duration(10us)), Duration(10us));  // no window: unchanged
  s.add(Time(100us), Time(200us), 10);
  EXPECT_EQ(s.stretch(Time(0), Duration(10us)), Duration(10us));     // before
  EXPECT_EQ(s.stretch(Time(100us), Duration(5us)), Duration(50us));  // inside
  EXPECT_EQ(s.stretch(Time(200us), Duration(5us)), Duration(5us));   // at the end: after
  // 4 µs before the window, then 6 µs of work at a tenth of the speed: 60 µs.
  EXPECT_EQ(s.stretch(Time(96us), Duration(10us)), Duration(64us));
  // 9 µs of work from 190 µs: 1 µs inside (10 µs), 8 µs after.
  EXPECT_EQ(s.stretch(Time(190us), Duration(9us)), Duration(18us));
  // Overlapping windows multiply: 0.5 µs of work in the 10 µs at 20x, the rest at 10x.
  s.add(Time(150us), Time(160us), 2);
  EXPECT_EQ(s.stretch(Time(150us), Duration(1us)), Duration(15us));
}

sim::RedisCosts redis_costs() {
  sim::RedisCosts c;
  c.rtt_us = 20;
  c.request_us = 10;
  c.command_us = 1;
  return c;
}

Task<void> incr_at(Runtime& rt, Kv kv, Time at, std::vector<std::int64_t>& latency) {
  co_await rt.sleep_until(at);
  const Time sent = rt.now();
  const KvReply r = co_await kv.incr_by(KeyId::counter(1), 1);
  (void)r;
  latency.push_back((rt.now() - sent).count());
}

TEST(Slowdowns, ARedisNodeServesSlowerInsideTheWindowOnly) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, redis_costs(), 1);
  redis.slow_down(Time(1ms), Time(2ms), 20);
  std::vector<std::int64_t> latency;
  for (const Time at : {Time(0), Time(1ms), Time(1500us), Time(3ms)}) {
    rt.spawn(incr_at(rt, Kv(redis), at, latency));
  }
  s.run();
  // rtt 20 µs + 11 µs of service, or 20 x 11 µs inside [1 ms, 2 ms).
  EXPECT_EQ(latency, (std::vector<std::int64_t>{31'000, 240'000, 240'000, 31'000}));
  EXPECT_EQ(redis.node_stats(0).busy_ns, 2 * 11'000 + 2 * 220'000);
}

TEST(Slowdowns, ABacklogBuiltDuringTheWindowDrainsAtFullSpeedAfterIt) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, redis_costs(), 1);
  redis.slow_down(Time(0), Time(100us), 10);  // 110 µs a request inside
  std::vector<std::int64_t> latency;
  for (int i = 0; i < 3; ++i) rt.spawn(incr_at(rt, Kv(redis), Time(0), latency));
  s.run();
  // Arrivals at 10 µs: the first is served 10..120 µs (90 µs of it slow = 9 µs of work, then
  // 2 µs at full speed: done at 102 µs), the others at full speed after the window.
  EXPECT_EQ(latency, (std::vector<std::int64_t>{112'000, 123'000, 134'000}));
}

Task<void> exists_at(Runtime& rt, Db db, Time at, std::vector<std::int64_t>& latency) {
  co_await rt.sleep_until(at);
  const Time sent = rt.now();
  const DbReply r = co_await db.run(DbStatement::like_exists(1, 10));
  (void)r;
  latency.push_back((rt.now() - sent).count());
}

TEST(Slowdowns, PostgresStatementsCostFactorTimesMoreInsideTheWindow) {
  sim::PostgresCosts c;
  c.rtt_us = 20;
  c.statement_us = 10;
  Scheduler s;
  SimRuntime rt(s);
  sim::PostgresServer pg(s, c, 1);
  pg.slow_down(Time(1ms), Time(2ms), 5);
  std::vector<std::int64_t> latency;
  for (const Time at : {Time(0), Time(1ms), Time(3ms)})
    rt.spawn(exists_at(rt, Db(pg), at, latency));
  s.run();
  ASSERT_EQ(latency.size(), 3u);
  const std::int64_t rtt = 20'000;
  EXPECT_GT(latency[0], rtt);
  EXPECT_EQ(latency[1] - rtt, 5 * (latency[0] - rtt));  // the server's part, 5x; not the network
  EXPECT_EQ(latency[2], latency[0]);
}

}  // namespace
}  // namespace likesim
