#include "engine/backends/sim/redis_cluster.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace likesim::sim {
namespace {

// redis-cli's clusterManagerCommandCreate, float arithmetic and all: master i gets
// [first, lround(cursor + slots_per_node - 1)], the last master gets the rest. (i * 16384 / n
// would differ on a few boundary slots, e.g. slot 5461 with 3 or 6 masters.)
std::vector<std::uint8_t> redis_cli_slot_owners(int masters) {
  std::vector<std::uint8_t> owner(kClusterSlots, 0);
  const float slots_per_node = static_cast<float>(kClusterSlots) / static_cast<float>(masters);
  long first = 0;
  float cursor = 0.0f;
  for (int i = 0; i < masters; ++i) {
    long last = std::lround(cursor + slots_per_node - 1);
    if (last > kClusterSlots || i == masters - 1) last = kClusterSlots - 1;
    if (last < first) last = first;
    for (long s = first; s <= last && s < kClusterSlots; ++s) {
      owner[static_cast<std::size_t>(s)] = static_cast<std::uint8_t>(i);
    }
    first = last + 1;
    cursor += slots_per_node;
  }
  return owner;
}

}  // namespace

RedisCluster::RedisCluster(Scheduler& s, const RedisCosts& costs, std::uint64_t seed)
    : sched_(&s), costs_(costs), rtt_rng_(seed, "redis.rtt") {
  const int n = std::clamp(costs_.nodes, 1, 32);  // the loader allows 1..32 (a bit set per call)
  slot_node_ = redis_cli_slot_owners(n);
  nodes_.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    nodes_.emplace_back(costs_, RandomStream(seed, "redis.node." + std::to_string(i)));
  }
}

int RedisCluster::node_of(const KeyId& key) const {
  const int n = static_cast<int>(nodes_.size());
  if (n == 1) return 0;
  return node_of_slot(hash_slot(key));
}

void RedisCluster::submit(KvCall* call) {
  const Time now = sched_->now();
  const Duration half_rtt =
      from_micros(draw_rtt_us(costs_.distribution, costs_.rtt_shape, costs_.rtt_us, rtt_rng_) / 2);
  const Time arrival = now + half_rtt;
  Time done = arrival;
  const bool as_mget = call->kind == KvCallKind::mget;
  if (nodes_.size() == 1) {
    parts_scratch_.resize(call->n);
    for (std::uint32_t i = 0; i < call->n; ++i) parts_scratch_[i] = static_cast<int>(i);
    done = nodes_[0].serve(arrival, call->commands, call->replies, parts_scratch_.data(), call->n,
                           as_mget);
  } else {
    // A call whose keys live on several nodes becomes one request per node (what a cluster
    // client does with a pipeline or a cross-slot MGET); the reply waits for the slowest.
    node_scratch_.resize(call->n);
    std::uint32_t used = 0;  // bit set of nodes the call touches
    for (std::uint32_t i = 0; i < call->n; ++i) {
      node_scratch_[i] = node_of(call->commands[i].key);
      used |= 1u << node_scratch_[i];
    }
    for (int node = 0; node < nodes(); ++node) {
      if (!(used & (1u << node))) continue;
      parts_scratch_.clear();
      for (std::uint32_t i = 0; i < call->n; ++i) {
        if (node_scratch_[i] == node) parts_scratch_.push_back(static_cast<int>(i));
      }
      const Time t = nodes_[node].serve(arrival, call->commands, call->replies,
                                        parts_scratch_.data(), parts_scratch_.size(), as_mget);
      done = std::max(done, t);
    }
  }
  Time reply_at = done + half_rtt;
  const Time deadline = now + from_millis(costs_.timeout_ms);
  if (reply_at > deadline) {
    reply_at = deadline;
    for (std::uint32_t i = 0; i < call->n; ++i) call->replies[i].status = ReplyStatus::timeout;
    nodes_[node_of(call->commands[0].key)].stats().timeouts += 1;
  }
  sched_->schedule_resume(reply_at, call->waiter);
}

}  // namespace likesim::sim
