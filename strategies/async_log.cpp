#include "strategies/async_log.h"

#include <algorithm>
#include <utility>

namespace likesim {

AsyncLog::AsyncLog(const StrategyContext& ctx, const AsyncLogKnobs& knobs)
    : knobs_(knobs),
      rt_(ctx.runtime),
      db_(ctx.db),
      log_(ctx.log),
      dedup_(make_dedup(knobs.dedup, ctx, knobs.dedup_shards)),
      crash_pending_(static_cast<std::size_t>(std::max(1, knobs.consumers)), false) {}

Task<LikeResult> AsyncLog::like(Request r) {
  const DedupAnswer added = co_await dedup_->add(r.post, r.user);
  if (added == DedupAnswer::failed) co_return LikeResult::failed;
  if (added == DedupAnswer::unchanged) co_return LikeResult::already_liked;
  const LogReply appended = co_await log_.append(LogEvent{r.post, r.user, +1});
  if (appended.status != ReplyStatus::ok) co_return LikeResult::failed;
  ++appended_;
  co_return LikeResult::ok;
}

Task<UnlikeResult> AsyncLog::unlike(Request r) {
  const DedupAnswer removed = co_await dedup_->remove(r.post, r.user);
  if (removed == DedupAnswer::failed) co_return UnlikeResult::failed;
  if (removed == DedupAnswer::unchanged) co_return UnlikeResult::not_liked;
  const LogReply appended = co_await log_.append(LogEvent{r.post, r.user, -1});
  if (appended.status != ReplyStatus::ok) co_return UnlikeResult::failed;
  ++appended_;
  co_return UnlikeResult::ok;
}

Task<CountResult> AsyncLog::count(PostId post) {
  const DbReply r = co_await db_.run(DbStatement::counter_read(post));
  co_return CountResult{r.value, true, r.status == ReplyStatus::ok};
}

Task<StatusResult> AsyncLog::status(PostId post, UserId user) {
  const StatusResult s = co_await dedup_->contains(post, user);
  co_return s;
}

Task<std::int64_t> AsyncLog::exact_count(PostId post) {
  const DbReply r = co_await db_.run(DbStatement::counter_read(post));
  co_return r.value;
}

void AsyncLog::start() {
  for (std::uint32_t i = 0; i < log_.consumers(); ++i) rt_->spawn(consumer(i));
}

Task<bool> AsyncLog::apply(std::uint32_t partition, std::int64_t next_offset,
                           const std::vector<std::pair<PostId, std::int64_t>>& deltas) {
  DbBatch tx;
  if (knobs_.idempotent) tx.add(DbStatement::advance_offset(partition, next_offset));
  for (const auto& [post, delta] : deltas) tx.add(DbStatement::counter_add(post, delta));
  ReplyStatus status = ReplyStatus::ok;
  if (knobs_.idempotent) {
    status = co_await db_.guarded_transaction(tx);
  } else {
    status = co_await db_.transaction(tx);
  }
  if (status == ReplyStatus::ok && knobs_.idempotent && tx.replies()[0].value == 0) {
    ++skipped_batches_;
  }
  co_return status == ReplyStatus::ok;
}

Task<void> AsyncLog::consumer(std::uint32_t index) {
  std::vector<LogRecord> records(static_cast<std::size_t>(std::max(1, knobs_.max_batch)));
  std::vector<std::pair<PostId, std::int64_t>> deltas;
  while (!stopping_) {
    const LogReply polled = co_await log_.poll(index, records);
    if (polled.status != ReplyStatus::ok || polled.n == 0) continue;
    // Aggregate the batch: one counter update per post, in post order (a fixed lock order).
    deltas.clear();
    for (std::uint32_t i = 0; i < polled.n; ++i) {
      deltas.emplace_back(records[i].event.post, records[i].event.delta);
    }
    std::sort(deltas.begin(), deltas.end());
    std::size_t out = 0;
    for (std::size_t i = 0; i < deltas.size(); ++i) {
      if (out > 0 && deltas[out - 1].first == deltas[i].first) {
        deltas[out - 1].second += deltas[i].second;
      } else {
        deltas[out++] = deltas[i];
      }
    }
    deltas.resize(out);
    const std::int64_t next_offset = records[polled.n - 1].offset + 1;
    for (;;) {
      const bool applied = co_await apply(polled.partition, next_offset, deltas);
      if (applied) break;
      // Not applied (pool full): the batch is still ours; try again shortly.
      ++apply_retries_;
      co_await rt_->sleep_for(10ms);
    }
    ++batches_;
    if (crash_pending_[index]) {
      // Dies here: applied, not committed. The restarted consumer resumes from the last
      // committed offset, so this batch comes again.
      crash_pending_[index] = false;
      ++crashes_;
      const LogReply rewound = co_await log_.rewind(index);
      (void)rewound;
      continue;
    }
    const LogReply committed = co_await log_.commit(index, polled.partition, next_offset);
    (void)committed;
    committed_ += polled.n;
  }
}

Task<void> AsyncLog::drain() {
  while (committed_ < appended_) co_await rt_->sleep_for(1ms);
}

bool AsyncLog::crash_consumer(int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= crash_pending_.size()) return false;
  crash_pending_[static_cast<std::size_t>(index)] = true;
  return true;
}

void AsyncLog::figures(std::vector<Figure>& out) const {
  out.push_back({"batches", static_cast<double>(batches_)});
  out.push_back({"redelivered_batches_skipped", static_cast<double>(skipped_batches_)});
  out.push_back({"consumer_crashes", static_cast<double>(crashes_)});
  out.push_back({"apply_retries", static_cast<double>(apply_retries_)});
  dedup_->figures(out);
}

}  // namespace likesim
