// sim::RedisStreamLog: the Log on simulated Redis Streams — what `--backend real` runs
// (real::RedisStreamLog), command for command, on the simulated Redis nodes.
//
// One stream per partition, key "log:{p}", living on the node its hash slot picks, where its
// commands queue on that node's FIFO thread with the strategy's own Kv requests (RedisCluster
// ::command). One consumer group; consumer i owns the partitions p with p % consumers == i.
//   append  = XADD (acknowledged on the reply: no linger, no batching); offset = its stream ID
//             packed as ms << 20 | seq, ms being the simulated time of the XADD.
//   poll    = one XREADGROUP COUNT n per owned partition (round robin) until one returns
//             entries; an empty round pauses 2 ms and repeats until poll_timeout_ms.
//   commit  = XACK of the delivered entries below the offset (no command if there are none).
//   rewind  = after a consumer crash its replacement (a new consumer name) first takes over
//             its partitions' pending entries with XAUTOCLAIM, then reads new ones, so the
//             entries delivered and not acknowledged are delivered again, exactly those.
// Costs: request_us + xadd_us; request_us + xread_base_us + entries * xread_entry_us
// (XREADGROUP and XAUTOCLAIM; xread_empty_us when nothing came); request_us + xack_base_us + ids *
// xack_id_us. A command modifies data (so an `appendfsync always` iteration fsyncs) when it adds,
// delivers, claims or acknowledges something. partitions, max_poll_records and poll_timeout_ms come
// from [backends.kafka], as in real mode.
//
//   sim::RedisStreamLog streams(runtime, redis_cluster, costs.kafka, /*consumers=*/4);
//   Log log(streams);
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "engine/backends/log.h"
#include "engine/backends/run_log_call.h"
#include "engine/backends/sim/cost_model.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/core/runtime.h"
#include "engine/core/task.h"

namespace likesim::sim {

struct StreamLogStats {
  std::uint64_t appended = 0;     // XADDs the producers saw succeed
  std::uint64_t delivered = 0;    // entries handed to consumers (XREADGROUP + XAUTOCLAIM)
  std::uint64_t redelivered = 0;  // of those, taken over with XAUTOCLAIM after a rewind
  std::uint64_t acked = 0;
  std::uint64_t commands = 0;  // stream commands sent to the nodes
  std::int64_t max_lag = 0;
};

class RedisStreamLog final : public LogExecutor {
 public:
  RedisStreamLog(Runtime& rt, RedisCluster& redis, const KafkaCosts& log, int consumers);

  std::uint32_t partitions() const override { return static_cast<std::uint32_t>(parts_.size()); }
  std::uint32_t consumers() const override { return static_cast<std::uint32_t>(consumers_.size()); }
  void submit(LogCall* call) override;

  // Appended minus acknowledged, across partitions (the consumer lag, as the real log counts).
  std::int64_t lag() const;
  const StreamLogStats& stats() const { return stats_; }
  // The node that holds partition p's stream.
  int node_of_partition(std::uint32_t p) const { return parts_[p].node; }
  // Entries delivered and not acknowledged (the group's pending entries list) of partition p.
  std::size_t pending_entries(std::uint32_t p) const { return parts_[p].pel.size(); }

 private:
  struct Entry {
    std::int64_t offset = 0;
    LogEvent event;
  };
  struct Partition {
    int node = 0;
    // Server side: the stream after the group's last-delivered ID, and the pending entries.
    std::deque<Entry> undelivered;
    std::map<std::int64_t, LogEvent> pel;
    std::int64_t last_ms = -1;
    std::int64_t last_seq = 0;
    // Client side, as real::RedisStreamLog keeps it.
    std::deque<std::int64_t> unacked;  // delivered, not yet acknowledged, in delivery order
    std::int64_t appended = 0;
    std::int64_t acked = 0;
    bool reclaiming = false;
    std::int64_t reclaim_cursor = 0;  // "0-0"
    std::uint64_t rewinds = 0;
  };
  struct Consumer {
    std::uint32_t next = 0;  // round robin over the owned partitions
  };

  template <class Log>
  friend Task<void> likesim::run_log_call(Runtime& rt, Log& log, LogCall* call);
  Task<LogReply> append(LogEvent event);
  Task<LogReply> poll(std::uint32_t consumer, LogRecord* out, std::uint32_t max);
  Task<LogReply> read_partition(std::uint32_t partition, LogRecord* out, std::uint32_t max);
  Task<LogReply> commit(std::uint32_t partition, std::int64_t next_offset);
  LogReply rewind(std::uint32_t consumer);
  std::uint32_t owned_partitions(std::uint32_t consumer) const;

  // The commands' effects on the stream, applied when the command is sent (as the simulated
  // nodes apply Kv commands), and their cost.
  std::int64_t xadd(Partition& part, const LogEvent& e);
  std::uint32_t xreadgroup(Partition& part, std::uint32_t partition, LogRecord* out,
                           std::uint32_t count);
  std::uint32_t xautoclaim(Partition& part, std::uint32_t partition, LogRecord* out,
                           std::uint32_t count);
  std::int64_t xack(Partition& part, std::int64_t next_offset, std::size_t& ids);
  double read_us(std::uint32_t entries) const;

  Runtime* rt_;
  RedisCluster* redis_;
  std::uint32_t max_poll_records_;
  Duration poll_timeout_;
  std::vector<Partition> parts_;
  std::vector<Consumer> consumers_;
  StreamLogStats stats_;
};

}  // namespace likesim::sim
