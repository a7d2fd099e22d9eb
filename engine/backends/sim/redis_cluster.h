// sim::RedisCluster: N simulated Redis masters behind one KvExecutor, keys placed by Redis
// Cluster's hash slot (contiguous slot ranges, exactly as `redis-cli --cluster create` assigns
// them, so a key lives on the same master index as in a real cluster made that way).
//
// Each node is one command thread serving requests FIFO. A request (single command, pipeline
// or MGET part) costs request_us once plus each command's cost (cost_model.h), and its reply
// travels rtt_us/2 each way. Because a node is FIFO and its costs are known when a request
// arrives, the completion time is computed on arrival (free_at = max(arrival, free_at) +
// service) and the command's effect is applied then, in arrival order — the order the node
// would apply it. So a call costs exactly one scheduler event: the waiter's resume.
//
// A call not answered within timeout_ms resumes with `timeout`; the command still ran (a
// client timeout does not unsend a command), so a timed-out INCR is counted.
//
//   sim::RedisCluster redis(scheduler, costs.redis, seed);
//   Kv kv(redis);
//   KvReply r = co_await kv.incr_by(KeyId::counter(7), 1);
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "engine/backends/kv.h"
#include "engine/backends/sim/cost_model.h"
#include "engine/backends/sim/redis_node.h"
#include "engine/core/random_stream.h"
#include "engine/core/scheduler.h"

namespace likesim::sim {

class RedisCluster final : public KvExecutor {
 public:
  RedisCluster(Scheduler& s, const RedisCosts& costs, std::uint64_t seed);

  void submit(KvCall* call) override;

  int nodes() const { return static_cast<int>(nodes_.size()); }
  int node_of(const KeyId& key) const;
  // The master that owns `slot` (0..16383).
  int node_of_slot(int slot) const { return slot_node_[static_cast<std::size_t>(slot)]; }
  const RedisNodeStats& node_stats(int node) const { return nodes_[node].stats(); }
  // Requests queued or in service at node `node` now.
  std::size_t queue_now(int node) { return nodes_[node].queue_at(sched_->now()); }
  // The integer value of a key now (0 if missing), without cost: for tests and checks.
  std::int64_t peek_value(KeyId key) const { return nodes_[node_of(key)].peek_value(key); }
  // Every integer key and set member on every node (see RedisNode): for the final check.
  const RedisNode& node(int i) const { return nodes_[static_cast<std::size_t>(i)]; }

 private:
  Scheduler* sched_;
  RedisCosts costs_;
  RandomStream rtt_rng_;  // round trips, drawn only under distribution = empirical
  std::vector<RedisNode> nodes_;
  std::vector<std::uint8_t> slot_node_;  // kClusterSlots entries: owner of each slot
  std::vector<int> parts_scratch_;       // indexes of the current call's commands on one node
  std::vector<int> node_scratch_;        // node of each command of the current call
};

}  // namespace likesim::sim
