#include <gtest/gtest.h>

#include "engine/backends/sim/redis_cluster.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

// The first post whose counter key hashes to `slot` (CRC16 spreads keys evenly, so this takes
// ~16 k tries).
PostId post_in_slot(int slot) {
  for (PostId p = 0;; ++p) {
    if (hash_slot(KeyId::counter(p)) == slot) return p;
  }
}

sim::RedisCosts with_nodes(int n) {
  sim::RedisCosts c;
  c.nodes = n;
  return c;
}

// `redis-cli --cluster create` with three masters prints "Slots 0 - 5460", "5461 - 10922",
// "10923 - 16383"; i * 16384 / 3 would start the second master at 5462.
TEST(RedisClusterSlots, ThreeMastersGetRedisClisRanges) {
  Scheduler s;
  sim::RedisCluster redis(s, with_nodes(3), 1);
  EXPECT_EQ(redis.node_of_slot(0), 0);
  EXPECT_EQ(redis.node_of_slot(5460), 0);
  EXPECT_EQ(redis.node_of_slot(5461), 1);
  EXPECT_EQ(redis.node_of_slot(10922), 1);
  EXPECT_EQ(redis.node_of_slot(10923), 2);
  EXPECT_EQ(redis.node_of_slot(16383), 2);
}

// Six masters (the celebrity scenario): redis-cli's float cursor gives 0-2730, 2731-5460,
// 5461-8191, 8192-10922, 10923-13652, 13653-16383.
TEST(RedisClusterSlots, SixMastersGetRedisClisRanges) {
  Scheduler s;
  sim::RedisCluster redis(s, with_nodes(6), 1);
  const int firsts[] = {0, 2731, 5461, 8192, 10923, 13653, 16384};
  for (int node = 0; node < 6; ++node) {
    EXPECT_EQ(redis.node_of_slot(firsts[node]), node) << "first slot of master " << node;
    EXPECT_EQ(redis.node_of_slot(firsts[node + 1] - 1), node) << "last slot of master " << node;
  }
}

TEST(RedisClusterSlots, EverySlotHasAnOwnerAndRangesAreContiguous) {
  for (int n = 1; n <= 32; ++n) {
    Scheduler s;
    sim::RedisCluster redis(s, with_nodes(n), 1);
    EXPECT_EQ(redis.node_of_slot(0), 0);
    EXPECT_EQ(redis.node_of_slot(kClusterSlots - 1), n - 1);
    for (int slot = 1; slot < kClusterSlots; ++slot) {
      const int step = redis.node_of_slot(slot) - redis.node_of_slot(slot - 1);
      ASSERT_TRUE(step == 0 || step == 1) << n << " masters, slot " << slot;
    }
  }
}

Task<void> incr(Kv kv, KeyId key) {
  const KvReply r = co_await kv.incr_by(key, 1);
  (void)r;
}

// A command is served by the master that owns its key's slot.
TEST(RedisClusterSlots, ACommandRunsOnTheOwnerOfItsSlot) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, with_nodes(3), 1);
  const KeyId key = KeyId::counter(post_in_slot(5461));
  EXPECT_EQ(redis.node_of(key), 1);
  rt.spawn(incr(Kv(redis), key));
  s.run();
  EXPECT_EQ(redis.node_stats(0).commands, 0u);
  EXPECT_EQ(redis.node_stats(1).commands, 1u);
  EXPECT_EQ(redis.peek_value(key), 1);
}

}  // namespace
}  // namespace likesim
