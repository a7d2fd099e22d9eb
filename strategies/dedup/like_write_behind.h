// LikeWriteBehind: the likes table's rows written behind through the log (seed 003's Kafka
// write-behind), for a dedup that answers without the table (bloom_dedup.h).
//
// A like or unlike the dedup accepts is appended to the log as {post, user, +1 / -1}; a
// consumer polls a batch and applies it to the likes table in one transaction, in offset
// order (INSERT ... ON CONFLICT DO NOTHING / DELETE), then commits the offset. A post's events
// share one partition and one consumer, so a pair's rows are written in the order its likes
// and unlikes were accepted: an unlike never overtakes the like it undoes.
//
// Between its append and its transaction an event is *pending*: the log holds it, the table
// does not. Every decision about a pair is taken under the pair's turn (one operation at a
// time per (post, user), in arrival order) and consults the pending state first, so a "maybe"
// from the filter never reads a table that is behind: a second like of a pending like is
// refused, an unlike of it appends the delete behind it, a status sees it. Consulting is free
// (memory) where waiting for the consumers would cost their lag on every "maybe". The pending
// state lives in this process, which in likesim serves every request of a strategy; a
// deployment with several app servers would route a post's requests to one of them.
//
// A host whose own consumers read the log (async_log) applies the rows in its transaction
// and reports them with applied(); otherwise start() runs one consumer per log consumer.
// drain() returns when every acknowledged event is in the table.
//
//   LikeWriteBehind wb(ctx.runtime, ctx.db, ctx.log, /*own_consumers=*/true);
//   const LikeWriteBehind::Turn turn = co_await wb.turn(post, user);
//   std::optional<bool> p = wb.pending(post, user);   // liked per the log, if the table lags
//   const bool accepted = co_await wb.append(post, user, +1);
#pragma once

#include <coroutine>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "strategies/strategy.h"

namespace likesim {

// The likes-table statement a log event stands for.
inline DbStatement row_statement(const LogEvent& e) {
  return e.delta > 0 ? DbStatement::insert_like(e.post, e.user)
                     : DbStatement::delete_like(e.post, e.user);
}

class LikeWriteBehind {
 public:
  LikeWriteBehind(Runtime* rt, Db db, Log log, bool own_consumers);

  // Holding a Turn means no other operation of this process is deciding about the pair.
  class Turn {
   public:
    Turn() = default;
    Turn(LikeWriteBehind* owner, std::uint64_t pair) : owner_(owner), pair_(pair) {}
    Turn(Turn&& o) noexcept : owner_(o.owner_), pair_(o.pair_) { o.owner_ = nullptr; }
    Turn& operator=(Turn&& o) noexcept;
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    ~Turn();

   private:
    LikeWriteBehind* owner_ = nullptr;
    std::uint64_t pair_ = 0;
  };
  struct TurnAwaiter {
    LikeWriteBehind* owner;
    std::uint64_t pair;
    bool await_ready();
    void await_suspend(std::coroutine_handle<> h);
    Turn await_resume() const { return Turn(owner, pair); }
  };
  // Waits for the pair's turn (FIFO behind the operations already holding or waiting for it).
  [[nodiscard]] TurnAwaiter turn(PostId post, UserId user) {
    return TurnAwaiter{this, pack_like(post, user)};
  }

  // Whether the pair is liked according to its latest acknowledged event, while that event is
  // not yet in the likes table; nullopt when the table is current for the pair.
  std::optional<bool> pending(PostId post, UserId user) const;

  // Appends the pair's event (the caller holds its turn). True when the log acknowledged it:
  // the pair is then pending until a consumer has written it. A failed append may still land
  // and be written later; nobody was told it counted.
  Task<bool> append(PostId post, UserId user, std::int32_t delta);

  // A consumer's transaction holding these records' rows committed.
  void applied(std::span<const LogRecord> records);

  void start();
  Task<void> drain();
  void stop() { stopping_ = true; }

  std::uint64_t pending_pairs() const;
  void figures(std::vector<Strategy::Figure>& out) const;

 private:
  struct PairState {
    std::int64_t offset = -1;  // the latest acknowledged event not yet applied; -1: none
    bool liked = false;        // what that event leaves
    bool busy = false;         // a Turn holds the pair
    std::vector<std::coroutine_handle<>> waiters;
  };
  void release(std::uint64_t pair);
  Task<void> consumer_loop(std::uint32_t index);
  Task<bool> write_rows(std::span<const LogRecord> records);
  Task<void> commit(std::uint32_t index, std::uint32_t partition, std::int64_t next_offset);
  bool caught_up() const;

  Runtime* rt_;
  Db db_;
  Log log_;
  bool own_consumers_;
  bool stopping_ = false;
  absl::flat_hash_map<std::uint64_t, PairState> pairs_;
  // Per partition: one past the highest offset acknowledged to a producer, and one past the
  // highest offset whose row is in the table.
  std::vector<std::int64_t> acked_end_;
  std::vector<std::int64_t> applied_end_;
  std::uint64_t row_batches_ = 0;
  std::uint64_t rows_written_ = 0;
  std::uint64_t write_retries_ = 0;
  std::uint64_t failed_appends_ = 0;
  std::uint64_t turn_waits_ = 0;
};

}  // namespace likesim
