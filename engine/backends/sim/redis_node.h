// sim::RedisNode: one simulated Redis master — its data (integers, sets, Bloom filter bits)
// and its single command thread's timeline. RedisCluster routes to it; see redis_cluster.h for
// the timing model.
//
//   RedisNode node(costs, RandomStream(seed, "redis.node.0"));
//   Time done = node.serve(arrival, commands, replies, n, KvCallKind::single);
#pragma once

#include <cstdint>
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "engine/backends/kv.h"
#include "engine/backends/sim/cost_model.h"
#include "engine/core/random_stream.h"
#include "engine/core/sim_time.h"

namespace likesim::sim {

struct RedisNodeStats {
  std::int64_t busy_ns = 0;  // service time consumed
  std::uint64_t commands = 0;
  std::uint64_t requests = 0;
  std::uint64_t timeouts = 0;  // calls answered `timeout` (counted by the cluster)
  std::size_t max_queue = 0;   // most requests queued or in service at once
};

class RedisNode {
 public:
  RedisNode(const RedisCosts& costs, RandomStream rng);

  // Serves one request (the commands at indexes `which` of `commands`) arriving at `arrival`:
  // applies the commands in order, writes their replies, returns when the node finishes it.
  Time serve(Time arrival, const KvCommand* commands, KvReply* replies, const int* which,
             std::size_t n, bool as_mget);

  std::size_t queue_at(Time t);
  const RedisNodeStats& stats() const { return stats_; }
  RedisNodeStats& stats() { return stats_; }
  std::int64_t peek_value(const KeyId& key) const;
  // Every integer key and every set member the node holds, in no particular order: the final
  // check reads the node's own state through these, never through a strategy.
  void for_each_value(absl::FunctionRef<void(const KeyId&, std::int64_t)> f) const;
  void for_each_set_member(absl::FunctionRef<void(const KeyId&, UserId)> f) const;

 private:
  // Runs one command against the data; returns its cost in µs.
  double apply(const KvCommand& c, KvReply& r);
  bool bloom_test_and_set(PostId post, UserId item, bool set);

  const RedisCosts* costs_;
  RandomStream rng_;
  Time free_at_{0};
  std::deque<std::int64_t> completions_;  // completion times of requests not yet finished
  absl::flat_hash_map<KeyId, std::int64_t> values_;
  absl::flat_hash_map<KeyId, absl::flat_hash_set<UserId>> sets_;   // like_set keys
  absl::flat_hash_map<std::uint64_t, std::uint64_t> bloom_words_;  // (post, word) -> bits
  RedisNodeStats stats_;
};

}  // namespace likesim::sim
