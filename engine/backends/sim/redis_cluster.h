// sim::RedisCluster: N simulated Redis masters behind one KvExecutor, keys placed by Redis
// Cluster's hash slot (contiguous slot ranges, exactly as `redis-cli --cluster create` assigns
// them, so a key lives on the same master index as in a real cluster made that way).
//
// Each node is one command thread serving requests FIFO. A request (single command, pipeline
// part or MGET part) costs request_us once plus each command's cost (cost_model.h), and its
// reply travels rtt_us/2 each way. A call whose keys live on several nodes becomes one request
// per node; an MGET becomes one MGET per hash slot, as the real client sends it (Redis Cluster
// refuses a cross-slot MGET), each paying request_us and mget_base_us. Because a node is FIFO
// and its costs are known when a request arrives, the completion time is computed on arrival
// (free_at = max(arrival, free_at) + service) and the command's effect is applied then, in
// arrival order — the order the node would apply it. So a call costs exactly one scheduler
// event: the waiter's resume. With `appendfsync always` or an iteration cost (iteration_us) a
// request's completion also depends on the requests that join its event-loop iteration
// (redis_node.h): such a call waits for the node's iteration to close (one event per
// iteration, at most), then resumes the same way.
//
// A call not answered within timeout_ms resumes with `timeout`; the command still ran (a
// client timeout does not unsend a command), so a timed-out INCR is counted.
//
// Stream commands (sim::RedisStreamLog) are requests whose work the log computes: command()
// puts one on a node's thread with its cost, behind and among the Kv requests.
//
//   sim::RedisCluster redis(scheduler, costs.redis, seed);
//   Kv kv(redis);
//   KvReply r = co_await kv.incr_by(KeyId::counter(7), 1);
//   ReplyStatus st = co_await redis.command(node, /*service_us=*/3.0, /*modifies=*/true);
#pragma once

#include <algorithm>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <vector>

#include "engine/backends/kv.h"
#include "engine/backends/sim/cost_model.h"
#include "engine/backends/sim/redis_node.h"
#include "engine/core/random_stream.h"
#include "engine/core/scheduler.h"

namespace likesim::sim {

// One request the cluster does not interpret: `service_us` of work on `node`'s thread.
struct RedisWorkCall {
  int node = 0;
  double service_us = 0;
  bool modifies = false;  // it changed data (appendfsync always: its iteration fsyncs)
  ReplyStatus status = ReplyStatus::ok;
  std::coroutine_handle<> waiter;
};

class RedisCluster final : public KvExecutor, private EventHandler {
 public:
  RedisCluster(Scheduler& s, const RedisCosts& costs, std::uint64_t seed);

  void submit(KvCall* call) override;
  // Runs `call` on its node, then resumes call->waiter (never from inside submit).
  void submit_work(RedisWorkCall* call);

  struct WorkAwaiter {
    RedisCluster* cluster;
    RedisWorkCall call;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      call.waiter = h;
      cluster->submit_work(&call);
    }
    ReplyStatus await_resume() const noexcept { return call.status; }
  };
  [[nodiscard]] WorkAwaiter command(int node, double service_us, bool modifies) {
    return WorkAwaiter{this, RedisWorkCall{node, service_us, modifies, ReplyStatus::ok, {}}};
  }
  const RedisCosts& costs() const { return costs_; }

  int nodes() const { return static_cast<int>(nodes_.size()); }
  int node_of(const KeyId& key) const {
    return nodes_.size() == 1 ? 0 : node_of_slot(slot_of(key));
  }
  // hash_slot(key), remembered: a run sends most of its commands to a few hot keys, and the
  // CRC16 of each key's text was a tenth of a sharded counter's run.
  int slot_of(const KeyId& key) const;
  // The master that owns `slot` (0..16383).
  int node_of_slot(int slot) const { return slot_node_[static_cast<std::size_t>(slot)]; }
  const RedisNodeStats& node_stats(int node) const { return nodes_[node].stats(); }
  // Requests queued or in service at node `node` now.
  std::size_t queue_now(int node) { return nodes_[node].queue_at(sched_->now()); }
  // When every node has served everything it was sent.
  Time idle_at() const {
    Time t{0};
    for (const RedisNode& n : nodes_) t = std::max(t, n.idle_at());
    return t;
  }
  void order_users(UserOrder order) {
    for (RedisNode& n : nodes_) n.order_users(order);
  }
  // A backend_slowdown fault on every node (RedisNode::slow_down).
  void slow_down(Time from, Time until, double factor) {
    for (RedisNode& n : nodes_) n.slow_down(from, until, factor);
  }
  // The integer value of a key now (0 if missing), without cost: for tests and checks.
  std::int64_t peek_value(KeyId key) const { return nodes_[node_of(key)].peek_value(key); }
  // Every integer key and set member on every node (see RedisNode): for the final check.
  const RedisNode& node(int i) const { return nodes_[static_cast<std::size_t>(i)]; }

 private:
  // A call waiting for pending parts (appendfsync always), by ticket.
  struct Pending {
    KvCall* kv = nullptr;  // one of kv / work; both null once answered (a timeout)
    RedisWorkCall* work = nullptr;
    Time deadline{0};
    Time done{0};
    Duration reply_leg{0};
    std::uint32_t parts_left = 0;
    int stats_node = 0;
  };
  void on_event(std::uint64_t node) override;  // closes node's iteration
  // submit() of a call of one command to nodes that do not batch: one node, its completion
  // known on arrival, no parts to wait for.
  void submit_one(KvCall* call);
  // Sends one request to `node`; updates the call's done time or pending count.
  void serve_part(int node, const Served& s, Time& done, std::uint32_t& pending);
  // Answers a call once every part is done: at done + its reply leg, or `timeout` at the
  // deadline.
  void answer(KvCall* kv, RedisWorkCall* work, Time done, Duration reply_leg, Time deadline,
              int stats_node);
  void finish(std::uint32_t ticket, std::uint32_t pending, Time done, Time now, Duration reply_leg,
              KvCall* kv, RedisWorkCall* work, int stats_node);
  void drain_closed();

  Scheduler* sched_;
  RedisCosts costs_;
  RandomStream rtt_rng_;  // round trips, drawn only under distribution = empirical
  std::vector<RedisNode> nodes_;
  // Each node's answers are scheduled on its own lane: a FIFO node's replies come in order.
  std::vector<Scheduler::Lane> lanes_;
  std::vector<std::uint8_t> slot_node_;  // kClusterSlots entries: owner of each slot
  std::vector<int> parts_scratch_;       // indexes of the current call's commands on one node
  std::vector<int> node_scratch_;        // node (or MGET: slot) of each command of the call
  std::vector<Pending> pending_;
  std::vector<std::uint32_t> free_tickets_;
  std::vector<ClosedRequest> closed_;
  // Direct-mapped: entry (hash of the key) % size holds the last key seen there and its slot.
  struct SlotEntry {
    std::uint64_t key = ~std::uint64_t{0};  // no KeyId has these bits (kind 0xff)
    int slot = 0;
  };
  static constexpr std::size_t kSlotCacheSize = 1024;
  mutable std::vector<SlotEntry> slot_cache_ = std::vector<SlotEntry>(kSlotCacheSize);
};

}  // namespace likesim::sim
