#include "strategies/dedup/like_write_behind.h"

#include <algorithm>
#include <cassert>

namespace likesim {
namespace {

// Back-off after a log or DB answer that was not ok, so a down backend is not polled in a
// tight loop at one instant of virtual time (as async_log).
constexpr Duration kRetryDelay = 10ms;
// Records per poll, hence rows per transaction (async_log's default max_batch).
constexpr std::size_t kRowsPerBatch = 500;

}  // namespace

LikeWriteBehind::Turn& LikeWriteBehind::Turn::operator=(Turn&& o) noexcept {
  if (this != &o) {
    if (owner_ != nullptr) owner_->release(pair_);
    owner_ = o.owner_;
    pair_ = o.pair_;
    o.owner_ = nullptr;
  }
  return *this;
}

LikeWriteBehind::Turn::~Turn() {
  if (owner_ != nullptr) owner_->release(pair_);
}

bool LikeWriteBehind::TurnAwaiter::await_ready() {
  PairState& s = owner->pairs_[pair];
  if (s.busy) return false;
  s.busy = true;
  return true;
}

void LikeWriteBehind::TurnAwaiter::await_suspend(std::coroutine_handle<> h) {
  ++owner->turn_waits_;
  owner->pairs_[pair].waiters.push_back(h);
}

LikeWriteBehind::LikeWriteBehind(Runtime* rt, Db db, Log log, bool own_consumers)
    : rt_(rt), db_(db), log_(log), own_consumers_(own_consumers) {
  assert(log_.valid() && "the write-behind needs the world's log");
  acked_end_.assign(log_.partitions(), 0);
  applied_end_.assign(log_.partitions(), 0);
}

void LikeWriteBehind::release(std::uint64_t pair) {
  auto it = pairs_.find(pair);
  assert(it != pairs_.end() && it->second.busy);
  PairState& s = it->second;
  if (!s.waiters.empty()) {
    // Handed over: the pair stays busy for the first waiter, which runs later (never inline
    // from a destructor).
    const std::coroutine_handle<> next = s.waiters.front();
    s.waiters.erase(s.waiters.begin());
    rt_->resume_at(rt_->now(), next);
    return;
  }
  s.busy = false;
  if (s.offset < 0) pairs_.erase(it);
}

std::optional<bool> LikeWriteBehind::pending(PostId post, UserId user) const {
  auto it = pairs_.find(pack_like(post, user));
  if (it == pairs_.end() || it->second.offset < 0) return std::nullopt;
  return it->second.liked;
}

Task<bool> LikeWriteBehind::append(PostId post, UserId user, std::int32_t delta) {
  const LogReply appended = co_await log_.append(LogEvent{post, user, delta});
  if (appended.status != ReplyStatus::ok) {
    ++failed_appends_;
    co_return false;
  }
  std::int64_t& end = acked_end_[appended.partition];
  end = std::max(end, appended.offset + 1);
  // The caller holds the turn, so the entry exists; a consumer may already have applied this
  // very record (the ack can arrive after the poll), in which case the table is current.
  PairState& s = pairs_[pack_like(post, user)];
  if (applied_end_[appended.partition] <= appended.offset) {
    s.offset = appended.offset;
    s.liked = delta > 0;
  }
  co_return true;
}

void LikeWriteBehind::applied(std::span<const LogRecord> records) {
  for (const LogRecord& r : records) {
    std::int64_t& end = applied_end_[r.partition];
    end = std::max(end, r.offset + 1);
    auto it = pairs_.find(pack_like(r.event.post, r.event.user));
    if (it == pairs_.end() || it->second.offset < 0 || it->second.offset > r.offset) continue;
    // The pair's latest acknowledged event is in the table now.
    it->second.offset = -1;
    if (!it->second.busy) pairs_.erase(it);
  }
}

void LikeWriteBehind::start() {
  if (!own_consumers_) return;
  for (std::uint32_t i = 0; i < log_.consumers(); ++i) rt_->spawn(consumer_loop(i));
}

Task<bool> LikeWriteBehind::write_rows(std::span<const LogRecord> records) {
  DbBatch tx;
  for (;;) {
    tx.clear();
    for (const LogRecord& r : records) tx.add(row_statement(r.event));
    const ReplyStatus status = co_await db_.transaction(tx);
    if (status == ReplyStatus::ok) break;
    // Not applied, or unknown (timeout). Applying the batch again is safe: the rows are
    // written in order and nothing later of this partition was written meanwhile.
    ++write_retries_;
    if (stopping_) co_return false;  // the batch stays uncommitted in the log
    co_await rt_->sleep_for(kRetryDelay);
  }
  ++row_batches_;
  rows_written_ += records.size();
  co_return true;
}

Task<void> LikeWriteBehind::commit(std::uint32_t index, std::uint32_t partition,
                                   std::int64_t next_offset) {
  for (;;) {
    const LogReply committed = co_await log_.commit(index, partition, next_offset);
    if (committed.status == ReplyStatus::ok || stopping_) co_return;
    co_await rt_->sleep_for(kRetryDelay);
  }
}

Task<void> LikeWriteBehind::consumer_loop(std::uint32_t index) {
  std::vector<LogRecord> records(kRowsPerBatch);
  while (!stopping_) {
    const LogReply polled = co_await log_.poll(index, records);
    if (polled.status != ReplyStatus::ok) {
      co_await rt_->sleep_for(kRetryDelay);
      continue;
    }
    if (polled.n == 0) continue;
    const std::span<const LogRecord> batch(records.data(), polled.n);
    const bool written = co_await write_rows(batch);
    if (!written) break;
    applied(batch);
    co_await commit(index, polled.partition, batch.back().offset + 1);
  }
}

bool LikeWriteBehind::caught_up() const {
  for (std::size_t p = 0; p < acked_end_.size(); ++p) {
    if (applied_end_[p] < acked_end_[p]) return false;
  }
  return true;
}

Task<void> LikeWriteBehind::drain() {
  while (!caught_up()) co_await rt_->sleep_for(1ms);
}

std::uint64_t LikeWriteBehind::pending_pairs() const {
  std::uint64_t n = 0;
  for (const auto& [pair, s] : pairs_) n += s.offset >= 0;
  return n;
}

void LikeWriteBehind::figures(std::vector<Strategy::Figure>& out) const {
  out.push_back({"bloom_row_batches", static_cast<double>(row_batches_)});
  out.push_back({"bloom_rows_written", static_cast<double>(rows_written_)});
  out.push_back({"bloom_row_write_retries", static_cast<double>(write_retries_)});
  out.push_back({"bloom_failed_appends", static_cast<double>(failed_appends_)});
  out.push_back({"bloom_pair_waits", static_cast<double>(turn_waits_)});
}

}  // namespace likesim
