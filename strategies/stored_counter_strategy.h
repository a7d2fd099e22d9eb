// StoredCounterStrategy: the read side shared by the strategies that keep one stored counter
// per post (PostCounter) and remember likers with a Dedup: single_counter, write_buffered and
// async_log. They differ in how a like reaches the counter, not in how a count, a status or a
// feed page is read, so those live here once.
//
//   class WriteBuffered final : public StoredCounterStrategy {
//     WriteBuffered(ctx, knobs) : StoredCounterStrategy(knobs.store, make_dedup(...), ctx,
//                                                       /*approximate=*/true) {}
//   };
#pragma once

#include <memory>

#include "strategies/dedup/dedup.h"
#include "strategies/post_counter.h"
#include "strategies/strategy.h"

namespace likesim {

class StoredCounterStrategy : public Strategy {
 public:
  Task<CountResult> count(PostId post) final;
  Task<StatusResult> status(PostId post, UserId user) final;
  // The page's counters in one round trip and the user's statuses in another.
  Task<BatchCountResult> batch_count(Request r) final;
  void figures(std::vector<Figure>& out) const override { dedup_->figures(out); }
  // The dedup's background work (bloom's write-behind); a host that overrides these calls them.
  void start() override { dedup_->start(); }
  Task<void> drain() override { return dedup_->drain(); }
  void stop() override { dedup_->stop(); }

 protected:
  // `approximate`: whether a count may lag the acknowledged likes (buffered or asynchronous).
  StoredCounterStrategy(CounterStore store, std::unique_ptr<Dedup> dedup,
                        const StrategyContext& ctx, bool approximate)
      : counter_(store, ctx), dedup_(std::move(dedup)), approximate_(approximate) {}

  PostCounter counter_;
  std::unique_ptr<Dedup> dedup_;

 private:
  bool approximate_;
};

}  // namespace likesim
