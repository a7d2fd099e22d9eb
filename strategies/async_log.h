// AsyncLog: a like is a row in the likes table plus an event in the log; a consumer group
// aggregates batches of events into counter deltas, applies them to the counter rows, and
// then commits its offsets (seed 000, seed 003's Kafka write-behind).
//
// Trade-off: the request path never touches the hot counter row, so like latency stays flat
// however hot the post; counts lag by the consumers' delay (bounded while they keep up). A
// consumer that dies after applying a batch but before committing gets the batch again: with
// idempotent = true the batch's offset is stored with the counts in one guarded transaction
// and the redelivery is not counted again; with idempotent = false it is counted twice.
// A like whose append fails answers `failed` although its row exists: the count will not see
// it, and the report shows that honestly instead of the strategy undoing it.
// With dedup = "bloom" the like's event is the one the dedup appended as its row's
// write-behind: the consumer writes the likes-table rows in the same transaction as the counts.
//
//   AsyncLog s(ctx, AsyncLogKnobs{.consumers = 4, .idempotent = false});
//   s.start();                 // one consumer loop per log consumer
//   s.crash_consumer(1);       // consumer 1's next batch is applied, not committed
//   co_await s.drain();        // every acknowledged event applied and committed
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "strategies/dedup/like_write_behind.h"
#include "strategies/stored_counter_strategy.h"

namespace likesim {

class AsyncLog final : public StoredCounterStrategy {
 public:
  AsyncLog(const StrategyContext& ctx, const AsyncLogKnobs& knobs);

  Task<LikeResult> like(Request r) override;
  Task<UnlikeResult> unlike(Request r) override;
  void start() override;
  Task<void> drain() override;
  void stop() override {
    stopping_ = true;
    StoredCounterStrategy::stop();
  }
  bool crash_consumer(int index) override;
  void figures(std::vector<Figure>& out) const override;

 private:
  // One consumer's buffers, sized once: a poll never allocates.
  struct Consumer {
    std::vector<LogRecord> records;
    std::vector<std::pair<PostId, std::int64_t>> deltas;
    std::vector<DbStatement> rows;  // a write-behind dedup's rows (bloom), in offset order
    bool crash_pending = false;
  };
  Task<void> consumer_loop(std::uint32_t index);
  // Sums the polled records' deltas per post into c.deltas (post order, a fixed lock order),
  // skipping records the DB already holds (idempotent only). Returns the records kept.
  std::uint32_t aggregate(Consumer& c, std::uint32_t n, std::uint32_t partition);
  // Applies c.deltas up to `next_offset` in one transaction, retrying until the DB answers ok;
  // false if it gave up because the strategy is stopping.
  Task<bool> apply(std::uint32_t index, std::uint32_t partition, std::int64_t next_offset);
  Task<void> commit(std::uint32_t index, std::uint32_t partition, std::int64_t next_offset);
  // Appends the event; true when the log acknowledged it.
  Task<bool> append(PostId post, UserId user, std::int32_t delta);
  bool caught_up() const;

  AsyncLogKnobs knobs_;
  Runtime* rt_;
  Db db_;
  Log log_;
  std::vector<Consumer> consumers_;  // one per log consumer (the log's group decides)
  // Per partition: one past the highest offset acknowledged to a client, committed to the
  // log, and known to be stored in consumer_offsets (idempotent mode's guard row).
  std::vector<std::int64_t> acked_end_;
  std::vector<std::int64_t> committed_end_;
  std::vector<std::int64_t> applied_end_;
  bool stopping_ = false;
  std::uint64_t batches_ = 0;
  std::uint64_t skipped_batches_ = 0;  // redelivered batches not applied again (either check)
  std::uint64_t skipped_records_ = 0;  // redelivered records already in consumer_offsets
  std::uint64_t crashes_ = 0;
  std::uint64_t apply_retries_ = 0;
  std::uint64_t failed_appends_ = 0;
};

}  // namespace likesim
