// AsyncLog: a like is a row in the likes table plus an event in the log; a consumer group
// aggregates batches of events into counter deltas, applies them to the counter rows, and
// then commits its offsets (seed 000, seed 003's Kafka write-behind).
//
// Trade-off: the request path never touches the hot counter row, so like latency stays flat
// however hot the post; counts lag by the consumers' delay (bounded while they keep up). A
// consumer that dies after applying a batch but before committing gets the batch again: with
// idempotent = true the batch's offset is stored with the counts in one transaction and the
// redelivery is skipped; with idempotent = false it is counted twice.
//
//   AsyncLog s(ctx, AsyncLogKnobs{.consumers = 4, .idempotent = false});
//   s.start();                 // consumer loops
//   s.crash_consumer(1);       // next batch of consumer 1 is applied, not committed
#pragma once

#include <memory>
#include <vector>

#include "strategies/dedup/dedup.h"
#include "strategies/strategy.h"

namespace likesim {

class AsyncLog final : public Strategy {
 public:
  AsyncLog(const StrategyContext& ctx, const AsyncLogKnobs& knobs);

  Task<LikeResult> like(Request r) override;
  Task<UnlikeResult> unlike(Request r) override;
  Task<CountResult> count(PostId post) override;
  Task<StatusResult> status(PostId post, UserId user) override;
  Task<std::int64_t> exact_count(PostId post) override;
  void start() override;
  Task<void> drain() override;
  void stop() override { stopping_ = true; }
  bool crash_consumer(int index) override;
  void figures(std::vector<Figure>& out) const override;

 private:
  Task<void> consumer(std::uint32_t index);
  // Applies one polled batch; true when the DB answered ok.
  Task<bool> apply(std::uint32_t partition, std::int64_t next_offset,
                   const std::vector<std::pair<PostId, std::int64_t>>& deltas);

  AsyncLogKnobs knobs_;
  Runtime* rt_;
  Db db_;
  Log log_;
  std::unique_ptr<Dedup> dedup_;
  std::vector<bool> crash_pending_;
  bool stopping_ = false;
  std::uint64_t appended_ = 0;   // appends acknowledged to clients
  std::uint64_t committed_ = 0;  // records applied and committed
  std::uint64_t batches_ = 0;
  std::uint64_t skipped_batches_ = 0;  // redeliveries the idempotence guard refused
  std::uint64_t crashes_ = 0;
  std::uint64_t apply_retries_ = 0;
};

}  // namespace likesim
