// sim::KafkaLog: a simulated Kafka topic with one consumer group.
//
// Producer side: an event goes to partition mix64(post) % partitions and waits in that
// partition's batch, which is sent when it holds batch_records events or linger_ms after its
// first one; the broker (one FIFO thread) writes a batch in broker_append_us + n *
// broker_record_us; then every append of the batch is acknowledged (rtt/2 later) and its
// records become visible to consumers.
// Consumer side: consumer c owns the partitions p with p % consumers == c. A poll returns up
// to max records of one owned partition (round robin), or waits at the broker for records up
// to poll_timeout_ms. A poll that returns data (fetch_us) and an offset commit (commit_us)
// queue on the broker's thread behind produce requests, like them: the request travels rtt/2,
// waits for the thread, is served, and the response travels rtt/2 (a poll that waited at the
// broker is served when its records become visible). The records a poll returns are taken
// when it is sent or, if it waited, when they became visible. commit() stores the next
// offset to read; rewind() moves a
// consumer's positions back to the committed offsets, so an uncommitted batch is redelivered.
// Records below every committed offset are dropped, so memory follows the lag, not the run.
//
//   sim::KafkaLog kafka(scheduler, costs.kafka, /*consumers=*/4, seed);
//   Log log(kafka);
//   LogReply a = co_await log.append({post, user, +1});
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "engine/backends/log.h"
#include "engine/backends/sim/cost_model.h"
#include "engine/core/scheduler.h"

namespace likesim::sim {

struct KafkaStats {
  std::uint64_t appended = 0;
  std::uint64_t delivered = 0;
  std::uint64_t redelivered = 0;  // records delivered again after a rewind
  std::uint64_t commits = 0;
  std::uint64_t batches = 0;
  std::int64_t max_lag = 0;
};

class KafkaLog final : public LogExecutor, private EventHandler {
 public:
  KafkaLog(Scheduler& s, const KafkaCosts& costs, int consumers, std::uint64_t seed);

  std::uint32_t partitions() const override { return static_cast<std::uint32_t>(parts_.size()); }
  std::uint32_t consumers() const override { return static_cast<std::uint32_t>(consumers_.size()); }
  void submit(LogCall* call) override;

  const KafkaStats& stats() const { return stats_; }
  // Records acknowledged to producers and not yet committed by the group, all partitions.
  std::int64_t lag() const;

 private:
  struct Partition {
    std::deque<LogEvent> records;  // offsets [base, base + records.size())
    std::int64_t base = 0;
    std::int64_t visible_end = 0;  // written by the broker
    std::int64_t committed = 0;
    std::int64_t position = 0;      // the owning consumer's next offset to read
    std::int64_t max_position = 0;  // furthest ever read (to count redeliveries)
    std::vector<LogCall*> batch;    // appends waiting for the batch to be sent
    std::uint64_t linger_generation = 0;
  };
  struct Consumer {
    LogCall* waiting_poll = nullptr;
    std::uint64_t poll_generation = 0;
    std::uint32_t next_partition = 0;  // round robin over owned partitions
    // The waiting poll's timeout, and the sequence number its event took when the poll began
    // to wait. A consumer keeps one timer event pending: most polls are answered long before
    // their timeout, and an event per poll left ~100 cancelled ones in the scheduler's heap.
    Time deadline{0};
    std::uint64_t deadline_seq = 0;
    bool timer_armed = false;
  };
  // Event kinds in the low 2 bits of the event argument; the rest is index and generation.
  enum : std::uint64_t { kLinger = 0, kVisible = 1, kPollTimeout = 2 };
  void on_event(std::uint64_t arg) override;
  // Schedules consumer c's timer for its waiting poll's deadline (Scheduler::schedule_reserved).
  void arm_poll_timer(std::uint32_t c);

  // Queues `service_us` of work arriving at `arrival` on the broker thread; returns when done.
  Time on_broker(Time arrival, double service_us);
  // The one place the broker's service times are drawn (deterministic today).
  Duration draw(double mean_us);
  void send_batch(std::uint32_t p);
  void make_visible(std::uint32_t p, std::int64_t end);
  // Fills `call` from consumer c's partitions; false if none has visible records.
  bool try_fill(std::uint32_t c, LogCall* call);
  void trim(Partition& part);

  Scheduler* sched_;
  // The broker serves FIFO: the replies it schedules come mostly in time order.
  Scheduler::Lane broker_lane_;
  KafkaCosts costs_;
  std::vector<Partition> parts_;
  std::vector<Consumer> consumers_;
  Time broker_free_{0};
  KafkaStats stats_;
};

}  // namespace likesim::sim
