// Dedup: who liked what, and how a second like by the same user is refused (seed 002's 409).
//
// Strategies that count in one place and remember likers in another (sharded counters in
// Redis, write buffers, the async log) share these; count_query and the single DB counter use
// the likes table directly. One class per method:
//   db_unique  likes table, PRIMARY KEY (post, user)          db_unique_dedup.h
//   redis_set  SADD liked:{post} user                          redis_set_dedup.h
//   bloom      Bloom filter in Redis, "maybe" confirmed in DB, bloom_dedup.h
//              rows written behind through the log
// lua_atomic is not a Dedup: the strategy runs one script that adds and counts together.
//
//   auto dedup = make_dedup(DedupMethod::redis_set, ctx);
//   DedupAnswer a = co_await dedup->add(post, user);   // changed: a new like
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "strategies/strategy.h"

namespace likesim {

enum class DedupAnswer : std::uint8_t {
  changed,    // add: the like is new; remove: the like existed and is gone
  unchanged,  // add: already liked; remove: was not liked
  failed,     // the backend did not answer ok: the change may or may not have happened
};

class Dedup {
 public:
  virtual ~Dedup() = default;
  virtual Task<DedupAnswer> add(PostId post, UserId user) = 0;
  virtual Task<DedupAnswer> remove(PostId post, UserId user) = 0;
  virtual Task<StatusResult> contains(PostId post, UserId user) = 0;
  // The user's status on posts first .. first + n - 1 (a feed page), in one round trip where
  // the store allows; liked[i] for post first + i. The default asks post by post.
  virtual Task<ReplyStatus> contains_page(PostId first, int n, UserId user, bool* liked);
  // Strategy-specific figures (e.g. the Bloom filter's false positives).
  virtual void figures(std::vector<Strategy::Figure>& /*out*/) const {}

  // Background work (bloom's write-behind consumers). The host calls these from its own
  // start(), drain() and stop(); after drain() the likes table holds every accepted like.
  virtual void start() {}
  virtual Task<void> drain() { co_return; }
  virtual void stop() {}

  // Write-behind through the log (bloom): every like and unlike the dedup accepts is already
  // an event {post, user, +1 / -1} in the log when add() / remove() answer `changed`. A host
  // that reads the log itself (async_log) counts that event instead of appending its own,
  // writes its rows (row_statement in like_write_behind.h) in its consumer's transaction, and
  // reports them here once that transaction committed.
  virtual bool appends_events() const { return false; }
  virtual void rows_applied(std::span<const LogRecord> /*records*/) {}
};

// lua_atomic gives the Redis set (the script's own bookkeeping for status and unlike).
// `set_shards` splits a post's Redis set by user hash (redis_set only). `host_reads_log`:
// the host's consumers read the log and write bloom's rows (async_log).
std::unique_ptr<Dedup> make_dedup(DedupMethod method, const StrategyContext& ctx,
                                  int set_shards = 1, bool host_reads_log = false);

// The answer for a reply value where 1 means "changed".
inline DedupAnswer answer_of(ReplyStatus status, std::int64_t value) {
  if (status != ReplyStatus::ok) return DedupAnswer::failed;
  return value == 1 ? DedupAnswer::changed : DedupAnswer::unchanged;
}

}  // namespace likesim
