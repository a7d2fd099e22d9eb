// sim::RedisNode: one simulated Redis master — its data (integers, sets, Bloom filter bits)
// and its single command thread's timeline. RedisCluster routes to it; see redis_cluster.h for
// the timing model.
//
// The thread serves requests FIFO. Without `appendfsync always` and without an iteration
// cost a request's reply leaves when its own service ends, so its completion is known on
// arrival (free_at = max(arrival, free_at) + service). Otherwise the node runs Redis's event
// loop: the requests read in one iteration (those that arrived while the thread was busy with
// the previous one, including its fsync) are processed back to back, then beforeSleep writes
// and fsyncs the AOF once for all of them (appendfsync always, only if one of them modified
// data), and only then are their replies sent. An iteration after which nothing is waiting
// puts the thread to sleep in epoll_wait, and a sleeping iteration costs iteration_us more
// (going to sleep, waking up: measured at paced GETs, one per iteration) after its replies,
// delaying the next iteration, not this one's answers (a paced GET, alone in its iteration, is
// answered in less time than the 20-37 µs of CPU Redis spends per GET); a busy thread, which
// finds requests waiting when it ends an iteration, reads them at once (the knee's request_us
// holds a busy iteration's cost). Such a request's completion depends on later arrivals
// joining its iteration, so it is "pending" until the iteration closes: when the thread starts
// it (an arrival at or after that moment, or the cluster's event at that moment, closes it;
// see close_batch()).
//
//   RedisNode node(costs, RandomStream(seed, "redis.node.0"));
//   std::vector<ClosedRequest> closed;
//   Served s = node.serve(arrival, commands, replies, which, n, /*as_mget=*/false, ticket, closed);
#pragma once

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "engine/backends/kv.h"
#include "engine/backends/sim/cost_model.h"
#include "engine/backends/sim/slowdown.h"
#include "engine/core/hot_entry.h"
#include "engine/core/random_stream.h"
#include "engine/core/sim_time.h"
#include "engine/model/user_set.h"

namespace likesim::sim {

struct RedisNodeStats {
  std::int64_t busy_ns = 0;  // service time consumed (fsyncs included: the thread waits)
  std::uint64_t commands = 0;
  std::uint64_t requests = 0;
  std::uint64_t fsyncs = 0;      // appendfsync always: one per event-loop iteration that wrote
  std::uint64_t iterations = 0;  // event-loop iterations run (counted when they batch)
  std::uint64_t timeouts = 0;    // calls answered `timeout` (counted by the cluster)
  std::size_t max_queue = 0;     // most requests queued or in service at once
};

// How a request fared on arrival: its completion `at`, or, if `pending`, the start of the
// iteration it joined (a lower bound; the completion comes later through close_batch()).
struct Served {
  Time at{0};
  bool pending = false;
  bool opened_batch = false;  // the cluster must close the iteration at `at`
};

// A pending request whose iteration closed: the cluster's ticket and its completion.
struct ClosedRequest {
  std::uint32_t ticket = 0;
  Time done{0};
};

class RedisNode {
 public:
  RedisNode(const RedisCosts& costs, RandomStream rng);

  // Serves one request (the commands at indexes `which` of `commands`) arriving at `arrival`:
  // applies the commands in order and writes their replies. Requests of iterations that close
  // by this arrival are appended to `closed`.
  Served serve(Time arrival, const KvCommand* commands, KvReply* replies, const int* which,
               std::size_t n, bool as_mget, std::uint32_t ticket,
               std::vector<ClosedRequest>& closed);
  // Starts loading what apply() will look up for `command` (its key's entry). An MGET of a
  // post's shards looks up keys the node has not touched for a while, one cache miss each:
  // issued together first, they overlap.
  void prefetch(const KvCommand& command) const {
    switch (command.verb) {
      case KvVerb::get:
      case KvVerb::set:
      case KvVerb::incr_by:
      case KvVerb::del:
        values_.prefetch(command.key);
        return;
      case KvVerb::sadd:
      case KvVerb::srem:
      case KvVerb::sismember:
      case KvVerb::like_script:
      case KvVerb::unlike_script:
        sets_.prefetch(command.key);
        return;
      case KvVerb::bf_add:
      case KvVerb::bf_exists:
        return;  // the filters' bits are not in these tables
    }
  }
  // serve() of a request of one command on a node that does not batch (!batches()): its
  // completion, known on arrival. The cluster's path for most calls.
  Time serve_one(Time arrival, const KvCommand& command, KvReply& reply, bool as_mget);
  // Whether a request's completion depends on the requests that join its event-loop
  // iteration (appendfsync always, or an iteration cost): then it may be pending on arrival.
  bool batches() const { return fsync_always() || costs_->iteration_us > 0; }
  // A request whose work the caller has computed (a stream command): `service_us` of thread
  // time (drawn here), `modifies` if it changed data (so the AOF has something to fsync).
  Served serve_work(Time arrival, double service_us, bool modifies, std::uint32_t ticket,
                    std::vector<ClosedRequest>& closed);
  // A backend_slowdown fault: the thread serves commands `factor` times slower in
  // [from, until) (by when it serves them, not when they arrived; an fsync's disk and a
  // sleeping iteration keep their cost).
  void slow_down(Time from, Time until, double factor) { slowdowns_.add(from, until, factor); }
  // Closes the open iteration if the thread starts it at or before `t`.
  void close_batch(Time t, std::vector<ClosedRequest>& closed);

  std::size_t queue_at(Time t);
  // When the thread has served everything it was sent (timed-out calls included).
  Time idle_at() const { return free_at_; }
  const RedisNodeStats& stats() const { return stats_; }
  RedisNodeStats& stats() { return stats_; }
  std::int64_t peek_value(const KeyId& key) const;
  // Every integer key and every set the node holds, in no particular order: the final check
  // reads the node's own state through these, never through a strategy.
  void for_each_value(absl::FunctionRef<void(const KeyId&, std::int64_t)> f) const;
  void for_each_set(absl::FunctionRef<void(const KeyId&, const UserSet&)> f) const;
  // The order the node's sets keep their users in (before the first SADD).
  void order_users(UserOrder order) { order_ = order; }

 private:
  struct Cost {
    double us = 0;
    bool modified = false;  // what Redis would propagate to the AOF
  };
  // Runs one command against the data.
  Cost apply(const KvCommand& c, KvReply& r);
  // The key's value (0 when new) and set (empty when new), through the HotEntry caches.
  std::int64_t& value_at(const KeyId& key);
  UserSet& set_at(const KeyId& key);
  bool bloom_test_and_set(PostId post, UserId item, bool set);
  // The one place service times are drawn (deterministic or around the mean).
  Duration draw(double mean_us);
  Duration draw_other(double mean_us);  // fsyncs, sleeping iterations
  // appendfsync always and the iteration modified data: its fsync, before the replies.
  Duration fsync_for(bool modifies);
  // A sleeping iteration's cost (iteration_us), after its replies: the thread reads again
  // later.
  Duration sleep_cost();
  // `service` of command work started at `start`, stretched by the slowdowns.
  Duration slowed(Time start, Duration service);
  Served schedule(Time arrival, Duration service, bool modifies, std::uint32_t ticket,
                  std::vector<ClosedRequest>& closed);
  bool fsync_always() const { return costs_->appendfsync == RedisCosts::Appendfsync::always; }
  // The thread serves a request that does not batch: its completion.
  Time schedule_fifo(Time arrival, Duration service);

  const RedisCosts* costs_;
  RandomStream rng_;
  Time free_at_{0};  // the thread is done with every closed iteration (fsync included)
  // The last iteration ended at free_at_ and no request has arrived since it closed: if the
  // next arrives after free_at_, the thread slept (sleep_cost) before it can read it.
  bool sleep_owed_ = false;
  // Batching: the iteration the thread starts at free_at_ (the requests read then).
  struct OpenBatch {  // open while it holds a request
    Duration service{0};
    bool modifies = false;
    std::vector<std::uint32_t> tickets;
  } batch_;
  // Completion times of closed requests not finished, ascending (the thread is FIFO), in
  // completions_[completions_head_, end): a vector whose head moves, cheaper than a deque's
  // blocks (~25 instructions a request in mm1); queue_at drops the finished part.
  std::vector<std::int64_t> completions_;
  std::size_t completions_head_ = 0;
  absl::flat_hash_map<KeyId, std::int64_t> values_;
  absl::flat_hash_map<KeyId, UserSet> sets_;  // like_set keys
  UserOrder order_;
  // The keys written last: a run's likes hit the same counter and set again and again. Set
  // by value_at/set_at (the only inserts), cleared by an erase.
  HotEntry<KeyId, std::int64_t> last_value_;
  HotEntry<KeyId, UserSet> last_set_;
  absl::flat_hash_map<std::uint64_t, std::uint64_t> bloom_words_;  // (post, word) -> bits
  RedisNodeStats stats_;
  Slowdowns slowdowns_;
};

}  // namespace likesim::sim
