#include "engine/backends/sim/redis_cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine/core/runtime.h"

namespace likesim {
namespace {

sim::RedisCosts costs(int nodes) {
  sim::RedisCosts c;
  c.nodes = nodes;
  c.rtt_us = 20;
  c.request_us = 10;
  c.command_us = 1;
  c.set_command_us = 2;
  c.script_us = 3;
  c.mget_base_us = 1;
  c.mget_per_key_us = 0.5;
  return c;
}

Task<void> incr_at(Runtime& rt, Kv kv, Duration after, std::vector<std::int64_t>& done,
                   std::vector<KvReply>& replies) {
  co_await rt.sleep_for(after);
  const KvReply r = co_await kv.incr_by(KeyId::counter(1), 5);
  replies.push_back(r);
  done.push_back(rt.now().count());
}

TEST(RedisCluster, OneCommandCostsRttPlusServiceExactly) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(1), 1);
  std::vector<std::int64_t> done;
  std::vector<KvReply> replies;
  rt.spawn(incr_at(rt, Kv(redis), Duration(0), done, replies));
  s.run();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], 20'000 + 10'000 + 1'000);  // rtt + request + INCRBY
  EXPECT_EQ(replies[0].value, 5);
  EXPECT_EQ(s.events_processed(), 3u);  // spawn, sleep, the reply: one event per call
}

TEST(RedisCluster, ConcurrentCallsQueueFifoOnTheNodeThread) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(1), 1);
  std::vector<std::int64_t> done;
  std::vector<KvReply> replies;
  for (int i = 0; i < 3; ++i) rt.spawn(incr_at(rt, Kv(redis), Duration(i * 1000), done, replies));
  s.run();
  // Arrivals at 10, 11, 12 µs; each takes 11 µs on the one thread.
  EXPECT_EQ(done, (std::vector<std::int64_t>{31'000, 42'000, 53'000}));
  EXPECT_EQ(replies[2].value, 15);
  EXPECT_EQ(redis.node_stats(0).max_queue, 3u);
  EXPECT_EQ(redis.node_stats(0).busy_ns, 33'000);
}

Task<void> mget_task(Kv kv, KvBatch& batch, ReplyStatus& status) {
  status = co_await kv.mget(batch);
}

// The real client sends one MGET per hash slot (Redis Cluster refuses a cross-slot MGET), so
// the simulated cluster must too: each slot's MGET pays request_us + mget_base_us on its node.
// One MGET per node (the old grouping) would finish sooner and send fewer requests.
TEST(RedisCluster, MgetIsOneRequestPerSlotAndWaitsForTheSlowestNode) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(3), 1);
  KvBatch set;
  for (std::uint16_t k = 0; k < 12; ++k) set.add(KvCommand::set(KeyId::shard_key(9, k, false), k));
  ReplyStatus st = ReplyStatus::error;
  rt.spawn(mget_task(Kv(redis), set, st));  // the SETs first
  s.run();
  std::uint64_t requests_before[3];
  for (int n = 0; n < 3; ++n) requests_before[n] = redis.node_stats(n).requests;
  KvBatch mget;
  for (std::uint16_t k = 0; k < 12; ++k) mget.add(KvCommand::get(KeyId::shard_key(9, k, false)));
  // Independently of the cluster: slots and keys per node.
  std::set<int> slots[3];
  int keys[3] = {0, 0, 0};
  for (std::uint16_t k = 0; k < 12; ++k) {
    const int slot = hash_slot(KeyId::shard_key(9, k, false));
    slots[redis.node_of_slot(slot)].insert(slot);
    ++keys[redis.node_of_slot(slot)];
  }
  std::int64_t slowest_ns = 0;
  std::size_t most_slots = 0;
  for (int n = 0; n < 3; ++n) {
    // request 10 + base 1 per slot, 0.5 per key.
    const std::int64_t ns = static_cast<std::int64_t>(slots[n].size()) * 11'000 + keys[n] * 500;
    slowest_ns = std::max(slowest_ns, ns);
    most_slots = std::max(most_slots, slots[n].size());
  }
  ASSERT_GE(most_slots, 2u) << "the test needs a node holding several of the slots";
  const Time start = s.now();
  rt.spawn(mget_task(Kv(redis), mget, st));
  s.run();
  EXPECT_EQ(st, ReplyStatus::ok);
  std::int64_t sum = 0;
  for (const KvReply& r : mget.replies()) sum += r.value;
  EXPECT_EQ(sum, 66);
  for (int n = 0; n < 3; ++n) {
    EXPECT_EQ(redis.node_stats(n).requests - requests_before[n], slots[n].size()) << "node " << n;
  }
  EXPECT_EQ((s.now() - start).count(), 20'000 + slowest_ns);
}

// As many masters as the scenario says, up to the loader's ceiling, each owning its share of
// the slots and serving the keys placed there (a cluster once ran 32 whatever it was told).
TEST(RedisCluster, RunsAsManyNodesAsItIsGiven) {
  for (const int n : {33, 100, sim::kMaxClusterNodes}) {
    Scheduler s;
    SimRuntime rt(s);
    sim::RedisCluster redis(s, costs(n), 1);
    ASSERT_EQ(redis.nodes(), n);
    std::set<int> owners;
    for (int slot = 0; slot < kClusterSlots; ++slot) owners.insert(redis.node_of_slot(slot));
    EXPECT_EQ(owners.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(*owners.rbegin(), n - 1);
    KvBatch set;  // enough keys that the last node gets some
    for (std::uint16_t k = 0; k < 4000; ++k) {
      set.add(KvCommand::set(KeyId::shard_key(5, k, false), 1));
    }
    ReplyStatus st = ReplyStatus::error;
    rt.spawn(mget_task(Kv(redis), set, st));
    s.run();
    EXPECT_EQ(st, ReplyStatus::ok);
    EXPECT_GT(redis.node_stats(n - 1).requests, 0u) << n << " nodes";
  }
}

Task<void> scripts(Kv kv, std::vector<std::int64_t>& out) {
  const KeyId set = KeyId::like_set(3), counter = KeyId::counter(3);
  KvReply r = co_await kv.like_script(set, counter, 77);
  out.push_back(r.value);
  r = co_await kv.like_script(set, counter, 77);
  out.push_back(r.value);
  r = co_await kv.get(counter);
  out.push_back(r.value);
  r = co_await kv.unlike_script(set, counter, 77);
  out.push_back(r.value);
  r = co_await kv.unlike_script(set, counter, 77);
  out.push_back(r.value);
  r = co_await kv.sismember(set, 77);
  out.push_back(r.value);
  r = co_await kv.get(counter);
  out.push_back(r.value);
}

TEST(RedisCluster, LikeScriptsCheckAndCountAtomically) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(3), 1);
  std::vector<std::int64_t> out;
  rt.spawn(scripts(Kv(redis), out));
  s.run();
  EXPECT_EQ(out, (std::vector<std::int64_t>{1, 0, 1, 1, 0, 0, 0}));
}

Task<void> bloom(Kv kv, int& false_negatives, int& false_positives) {
  for (UserId u = 0; u < 10000; ++u) {
    const KvReply r = co_await kv.bf_add(KeyId::bloom(1), u);
    (void)r;
  }
  for (UserId u = 0; u < 10000; ++u) {
    const KvReply r = co_await kv.bf_exists(KeyId::bloom(1), u);
    false_negatives += r.value == 0;
  }
  for (UserId u = 10000; u < 20000; ++u) {
    const KvReply r = co_await kv.bf_exists(KeyId::bloom(1), u);
    false_positives += r.value == 1;
  }
}

TEST(RedisCluster, BloomFilterHasNoFalseNegatives) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(1), 1);
  int fn = 0, fp = 0;
  rt.spawn(bloom(Kv(redis), fn, fp));
  s.run();
  EXPECT_EQ(fn, 0);
  EXPECT_LT(fp, 100);  // < 1 %
}

TEST(RedisCluster, ATimedOutCommandStillLands) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCosts c = costs(1);
  c.request_us = 1000;  // 1 ms per request
  c.timeout_ms = 5;
  sim::RedisCluster redis(s, c, 1);
  std::vector<std::int64_t> done;
  std::vector<KvReply> replies;
  for (int i = 0; i < 10; ++i) rt.spawn(incr_at(rt, Kv(redis), Duration(0), done, replies));
  s.run();
  ASSERT_EQ(replies.size(), 10u);
  int timeouts = 0;
  for (const KvReply& r : replies) timeouts += r.status == ReplyStatus::timeout;
  EXPECT_EQ(timeouts, 6);             // requests 5..10 would answer after 5 ms
  EXPECT_EQ(done.back(), 5'000'000);  // a timeout answers at exactly sent + timeout_ms
  EXPECT_EQ(redis.peek_value(KeyId::counter(1)), 50);  // but all ten INCRBYs ran
}

Task<void> set_ops(Kv kv, std::vector<std::int64_t>& out) {
  const KeyId a = KeyId::like_set_shard(4, 1), b = KeyId::like_set_shard(4, 2);
  for (const KvCommand& c :
       {KvCommand{a, {}, 10, KvVerb::sadd}, KvCommand{a, {}, 10, KvVerb::sadd},
        KvCommand{a, {}, 10, KvVerb::sismember},
        KvCommand{b, {}, 10, KvVerb::sismember},  // another set of post 4
        KvCommand{b, {}, 10, KvVerb::srem}, KvCommand{a, {}, 10, KvVerb::srem},
        KvCommand{a, {}, 10, KvVerb::srem}, KvCommand{a, {}, 10, KvVerb::sismember}}) {
    const KvReply r = co_await kv.run(c);
    out.push_back(r.value);
  }
}

TEST(RedisCluster, SetCommandsAnswerLikeRedisPerKey) {
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs(3), 1);
  std::vector<std::int64_t> out;
  rt.spawn(set_ops(Kv(redis), out));
  s.run();
  // SADD new, SADD again, SISMEMBER, SISMEMBER of the other set, SREM from the other set,
  // SREM, SREM again, SISMEMBER after removal.
  EXPECT_EQ(out, (std::vector<std::int64_t>{1, 0, 1, 0, 0, 1, 0, 0}));
}

}  // namespace
}  // namespace likesim
