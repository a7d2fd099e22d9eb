#include "engine/backends/sim/redis_cluster.h"

#include <algorithm>
#include <bit>
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
  const int n = std::clamp(costs_.nodes, 1, kMaxClusterNodes);
  slot_node_ = redis_cli_slot_owners(n);
  nodes_.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    nodes_.emplace_back(costs_, RandomStream(seed, "redis.node." + std::to_string(i)));
    lanes_.push_back(s.add_lane());
  }
}

int RedisCluster::slot_of(const KeyId& key) const {
  const auto bits = std::bit_cast<std::uint64_t>(key);
  SlotEntry& e = slot_cache_[mix64(bits) % kSlotCacheSize];
  if (e.key != bits) e = SlotEntry{bits, hash_slot(key)};
  return e.slot;
}

void RedisCluster::serve_part(int node, const Served& s, Time& done, std::uint32_t& pending) {
  done = std::max(done, s.at);
  if (s.pending) ++pending;
  if (s.opened_batch) sched_->schedule(s.at, this, static_cast<std::uint64_t>(node));
}

void RedisCluster::submit(KvCall* call) {
  if (call->n == 1 && !nodes_[0].batches()) {
    submit_one(call);
    return;
  }
  const Time now = sched_->now();
  // One round trip drawn per call (its measured shape under `empirical`). The way in takes at
  // most half the mean and the way back the rest, so a call that draws the tail is late
  // itself instead of holding up, in the node's FIFO, every call sent after it.
  const double rtt = draw_rtt_us(costs_.distribution, costs_.rtt_shape, costs_.rtt_us, rtt_rng_);
  const double in_us = std::min(rtt, costs_.rtt_us) / 2;
  const Duration reply_leg = from_micros(rtt - in_us);
  const Time arrival = now + from_micros(in_us);
  const std::uint32_t ticket =
      free_tickets_.empty() ? static_cast<std::uint32_t>(pending_.size()) : free_tickets_.back();
  Time done = arrival;
  std::uint32_t pending = 0;
  int first_node = 0;  // the node of the call's first key: where a timeout is counted
  const bool as_mget = call->kind == KvCallKind::mget;
  if (nodes_.size() == 1) {
    parts_scratch_.resize(call->n);
    for (std::uint32_t i = 0; i < call->n; ++i) parts_scratch_[i] = static_cast<int>(i);
    serve_part(0,
               nodes_[0].serve(arrival, call->commands, call->replies, parts_scratch_.data(),
                               call->n, as_mget, ticket, closed_),
               done, pending);
  } else {
    // A call whose keys live on several nodes becomes one request per node (what a cluster
    // client does with a pipeline); an MGET becomes one MGET per hash slot, in the order the
    // slots first appear (redis_client.cpp: Redis Cluster refuses a cross-slot MGET). The
    // reply waits for the slowest part.
    node_scratch_.resize(call->n);
    for (std::uint32_t i = 0; i < call->n; ++i) {
      const KvCommand& c = call->commands[i];
      node_scratch_[i] = as_mget ? slot_of(c.key) : node_of(c.key);
      nodes_[static_cast<std::size_t>(as_mget ? node_of_slot(node_scratch_[i]) : node_scratch_[i])]
          .prefetch(c);
    }
    for (std::uint32_t first = 0; first < call->n; ++first) {
      const int group = node_scratch_[first];
      if (group < 0) continue;  // already sent with an earlier group
      parts_scratch_.clear();
      for (std::uint32_t i = first; i < call->n; ++i) {
        if (node_scratch_[i] != group) continue;
        parts_scratch_.push_back(static_cast<int>(i));
        node_scratch_[i] = -1;
      }
      const int node = as_mget ? node_of_slot(group) : group;
      if (first == 0) first_node = node;
      serve_part(node,
                 nodes_[node].serve(arrival, call->commands, call->replies, parts_scratch_.data(),
                                    parts_scratch_.size(), as_mget, ticket, closed_),
                 done, pending);
    }
  }
  finish(ticket, pending, done, now, reply_leg, call, nullptr, first_node);
}

// The same draws, sums and answer as submit() for a call of one command (an MGET of one key
// is one MGET on the key's node), without the scratch vectors and tickets of a call in parts.
void RedisCluster::submit_one(KvCall* call) {
  const Time now = sched_->now();
  const double rtt = draw_rtt_us(costs_.distribution, costs_.rtt_shape, costs_.rtt_us, rtt_rng_);
  const double in_us = std::min(rtt, costs_.rtt_us) / 2;
  const Duration reply_leg = from_micros(rtt - in_us);
  const Time arrival = now + from_micros(in_us);
  const KvCommand& command = call->commands[0];
  const int node = node_of(command.key);
  const Time done = nodes_[static_cast<std::size_t>(node)].serve_one(
      arrival, command, call->replies[0], call->kind == KvCallKind::mget);
  answer(call, nullptr, done, reply_leg, now + from_millis(costs_.timeout_ms), node);
}

void RedisCluster::submit_work(RedisWorkCall* call) {
  const Time now = sched_->now();
  const Time arrival = now + from_micros(costs_.rtt_us / 2);
  const std::uint32_t ticket =
      free_tickets_.empty() ? static_cast<std::uint32_t>(pending_.size()) : free_tickets_.back();
  Time done = arrival;
  std::uint32_t pending = 0;
  const int node = std::clamp(call->node, 0, nodes() - 1);
  serve_part(node,
             nodes_[node].serve_work(arrival, call->service_us, call->modifies, ticket, closed_),
             done, pending);
  finish(ticket, pending, done, now, from_micros(costs_.rtt_us / 2), nullptr, call, node);
}

void RedisCluster::finish(std::uint32_t ticket, std::uint32_t pending, Time done, Time now,
                          Duration reply_leg, KvCall* kv, RedisWorkCall* work, int stats_node) {
  const Time deadline = now + from_millis(costs_.timeout_ms);
  if (pending == 0) {
    answer(kv, work, done, reply_leg, deadline, stats_node);
  } else {
    if (ticket == pending_.size()) {
      pending_.emplace_back();
    } else {
      free_tickets_.pop_back();
    }
    pending_[ticket] = Pending{kv, work, deadline, done, reply_leg, pending, stats_node};
    // `done` is a lower bound here (the start of an iteration the call joined): if even that
    // misses the deadline, the timeout is certain and answered now.
    if (done + reply_leg > deadline) {
      answer(kv, work, done, reply_leg, deadline, stats_node);
      pending_[ticket].kv = nullptr;
      pending_[ticket].work = nullptr;
    }
  }
  drain_closed();  // this arrival may have closed other calls' iterations
}

void RedisCluster::answer(KvCall* kv, RedisWorkCall* work, Time done, Duration reply_leg,
                          Time deadline, int stats_node) {
  Time reply_at = done + reply_leg;
  if (reply_at > deadline) {
    reply_at = deadline;
    if (kv) {
      for (std::uint32_t i = 0; i < kv->n; ++i) kv->replies[i].status = ReplyStatus::timeout;
    }
    if (work) work->status = ReplyStatus::timeout;
    nodes_[static_cast<std::size_t>(stats_node)].stats().timeouts += 1;
  }
  sched_->schedule_resume(lanes_[static_cast<std::size_t>(stats_node)], reply_at,
                          kv ? kv->waiter : work->waiter);
}

void RedisCluster::drain_closed() {
  for (const ClosedRequest& c : closed_) {
    Pending& p = pending_[c.ticket];
    p.done = std::max(p.done, c.done);
    if (--p.parts_left > 0) continue;
    if (p.kv || p.work) answer(p.kv, p.work, p.done, p.reply_leg, p.deadline, p.stats_node);
    p = Pending{};
    free_tickets_.push_back(c.ticket);
  }
  closed_.clear();
}

void RedisCluster::on_event(std::uint64_t node) {
  nodes_[static_cast<std::size_t>(node)].close_batch(sched_->now(), closed_);
  drain_closed();
}

}  // namespace likesim::sim
