#include "strategies/async_log.h"

#include <algorithm>

namespace likesim {
namespace {

// Back-off after a log or DB answer that was not ok, so a down backend is not polled in a
// tight loop at one instant of virtual time.
constexpr Duration kRetryDelay = 10ms;

}  // namespace

AsyncLog::AsyncLog(const StrategyContext& ctx, const AsyncLogKnobs& knobs)
    : StoredCounterStrategy(CounterStore::db,
                            make_dedup(knobs.dedup, ctx, knobs.dedup_shards,
                                       /*host_reads_log=*/true),
                            ctx, /*approximate=*/true),
      knobs_(knobs),
      rt_(ctx.runtime),
      db_(ctx.db),
      log_(ctx.log) {
  const std::size_t consumers = log_.valid() ? log_.consumers() : 0;
  const std::size_t partitions = log_.valid() ? log_.partitions() : 0;
  consumers_.resize(consumers);
  for (Consumer& c : consumers_) {
    c.records.resize(static_cast<std::size_t>(std::max(1, knobs_.max_batch)));
    c.deltas.reserve(c.records.size());
    if (dedup_->appends_events()) c.rows.reserve(c.records.size());
  }
  acked_end_.assign(partitions, 0);
  committed_end_.assign(partitions, 0);
  applied_end_.assign(partitions, 0);
}

Task<bool> AsyncLog::append(PostId post, UserId user, std::int32_t delta) {
  const LogReply appended = co_await log_.append(LogEvent{post, user, delta});
  if (appended.status != ReplyStatus::ok) {
    ++failed_appends_;
    co_return false;
  }
  std::int64_t& end = acked_end_[appended.partition];
  end = std::max(end, appended.offset + 1);
  co_return true;
}

Task<LikeResult> AsyncLog::like(Request r) {
  const DedupAnswer added = co_await dedup_->add(r.post, r.user);
  if (added == DedupAnswer::failed) co_return LikeResult::failed;
  if (added == DedupAnswer::unchanged) co_return LikeResult::already_liked;
  // A write-behind dedup (bloom) has appended this like's event already.
  if (dedup_->appends_events()) co_return LikeResult::ok;
  // The row exists now; if the event is lost the count never sees this like, and `failed`
  // says so.
  const bool appended = co_await append(r.post, r.user, +1);
  co_return appended ? LikeResult::ok : LikeResult::failed;
}

Task<UnlikeResult> AsyncLog::unlike(Request r) {
  const DedupAnswer removed = co_await dedup_->remove(r.post, r.user);
  if (removed == DedupAnswer::failed) co_return UnlikeResult::failed;
  if (removed == DedupAnswer::unchanged) co_return UnlikeResult::not_liked;
  if (dedup_->appends_events()) co_return UnlikeResult::ok;
  const bool appended = co_await append(r.post, r.user, -1);
  co_return appended ? UnlikeResult::ok : UnlikeResult::failed;
}

void AsyncLog::start() {
  for (std::uint32_t i = 0; i < consumers_.size(); ++i) rt_->spawn(consumer_loop(i));
  StoredCounterStrategy::start();
}

std::uint32_t AsyncLog::aggregate(Consumer& c, std::uint32_t n, std::uint32_t partition) {
  // A redelivered batch can reach past what was applied before the crash (records that
  // arrived since), so the guard alone, which compares one offset per batch, would apply the
  // old part again. A restarted consumer reads consumer_offsets and skips what it holds;
  // applied_end_ is that row as the last ok transaction left it.
  const std::int64_t first = knobs_.idempotent ? applied_end_[partition] : 0;
  c.deltas.clear();
  c.rows.clear();
  const bool rows = dedup_->appends_events();  // bloom: the likes table is written here too
  std::uint32_t kept = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (c.records[i].offset < first) continue;
    c.deltas.emplace_back(c.records[i].event.post, c.records[i].event.delta);
    if (rows) c.rows.push_back(row_statement(c.records[i].event));
    ++kept;
  }
  std::sort(c.deltas.begin(), c.deltas.end());
  std::size_t out = 0;
  for (std::size_t i = 0; i < c.deltas.size(); ++i) {
    if (out > 0 && c.deltas[out - 1].first == c.deltas[i].first) {
      c.deltas[out - 1].second += c.deltas[i].second;
    } else {
      c.deltas[out++] = c.deltas[i];
    }
  }
  c.deltas.resize(out);
  return kept;
}

Task<bool> AsyncLog::apply(std::uint32_t index, std::uint32_t partition, std::int64_t next_offset) {
  const Consumer& c = consumers_[index];
  DbBatch tx;
  for (;;) {
    tx.clear();
    if (knobs_.idempotent) tx.add(DbStatement::advance_offset(partition, next_offset));
    for (const auto& [post, delta] : c.deltas) {
      if (delta != 0) tx.add(DbStatement::counter_add(post, delta));
    }
    for (const DbStatement& row : c.rows) tx.add(row);
    ReplyStatus status = ReplyStatus::ok;
    if (knobs_.idempotent) {
      status = co_await db_.guarded_transaction(tx);
    } else {
      status = co_await db_.transaction(tx);
    }
    if (status == ReplyStatus::ok) break;
    // Not applied, or unknown (timeout). Retrying is what a consumer does: the guard makes it
    // safe when idempotent; without it a timed-out batch that landed is counted twice.
    ++apply_retries_;
    if (stopping_) co_return false;  // the batch stays uncommitted, as after a crash
    co_await rt_->sleep_for(kRetryDelay);
  }
  if (knobs_.idempotent) {
    if (tx.replies()[0].value == 0) ++skipped_batches_;
    applied_end_[partition] = std::max(applied_end_[partition], next_offset);
  }
  co_return true;
}

Task<void> AsyncLog::commit(std::uint32_t index, std::uint32_t partition,
                            std::int64_t next_offset) {
  for (;;) {
    const LogReply committed = co_await log_.commit(index, partition, next_offset);
    if (committed.status == ReplyStatus::ok) {
      committed_end_[partition] = std::max(committed_end_[partition], next_offset);
      co_return;
    }
    // A later batch's commit would cover this one too, but the last batch has none.
    if (stopping_) co_return;
    co_await rt_->sleep_for(kRetryDelay);
  }
}

Task<void> AsyncLog::consumer_loop(std::uint32_t index) {
  Consumer& c = consumers_[index];
  while (!stopping_) {
    const LogReply polled = co_await log_.poll(index, c.records);
    if (polled.status != ReplyStatus::ok) {
      co_await rt_->sleep_for(kRetryDelay);
      continue;
    }
    if (polled.n == 0) continue;
    const std::uint32_t partition = polled.partition;
    const std::int64_t next_offset = c.records[polled.n - 1].offset + 1;
    const std::uint32_t kept = aggregate(c, polled.n, partition);
    skipped_records_ += polled.n - kept;
    if (kept > 0) {
      const bool applied = co_await apply(index, partition, next_offset);
      if (!applied) break;
      ++batches_;
      dedup_->rows_applied(std::span<const LogRecord>(c.records.data(), polled.n));
    } else {
      ++skipped_batches_;  // a redelivery the DB already holds in full: nothing to send
    }
    if (c.crash_pending) {
      // Dies here: applied, not committed. The restarted consumer resumes from the last
      // committed offsets, so this batch is delivered again.
      c.crash_pending = false;
      ++crashes_;
      const LogReply rewound = co_await log_.rewind(index);
      (void)rewound;  // if the rewind fails the positions stay, and nothing is redelivered
      continue;
    }
    co_await commit(index, partition, next_offset);
  }
}

bool AsyncLog::caught_up() const {
  for (std::size_t p = 0; p < acked_end_.size(); ++p) {
    if (committed_end_[p] < acked_end_[p]) return false;
  }
  return true;
}

Task<void> AsyncLog::drain() {
  // Every acknowledged event applied and its offset committed. Events whose append failed but
  // landed may still be in flight; nobody was told they counted. With Bloom dedup the events
  // are the dedup's write-behind rows, not appended here (caught_up() holds at once): the
  // dedup's own drain, in StoredCounterStrategy::drain(), waits for them.
  while (!caught_up()) co_await rt_->sleep_for(1ms);
  co_await StoredCounterStrategy::drain();
}

bool AsyncLog::crash_consumer(int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= consumers_.size()) return false;
  consumers_[static_cast<std::size_t>(index)].crash_pending = true;
  return true;
}

void AsyncLog::figures(std::vector<Figure>& out) const {
  out.push_back({"batches", static_cast<double>(batches_)});
  out.push_back({"redelivered_batches_skipped", static_cast<double>(skipped_batches_)});
  out.push_back({"redelivered_records_skipped", static_cast<double>(skipped_records_)});
  out.push_back({"consumer_crashes", static_cast<double>(crashes_)});
  out.push_back({"apply_retries", static_cast<double>(apply_retries_)});
  out.push_back({"failed_appends", static_cast<double>(failed_appends_)});
  StoredCounterStrategy::figures(out);
}

}  // namespace likesim
