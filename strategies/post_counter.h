// PostCounter: one stored counter per post, in PostgreSQL (like_counts row, updated under its
// row lock) or in Redis (likes:{P}:count). Shared by the strategies that keep a single
// counter per post: single_counter updates it per like, write_buffered per flush.
//
//   PostCounter counter(CounterStore::redis, ctx);
//   ReplyStatus s = co_await counter.add(post, +1);
//   DbReply n = co_await counter.read(post);          // n.value, n.status
#pragma once

#include "strategies/strategy.h"

namespace likesim {

class PostCounter {
 public:
  PostCounter(CounterStore store, const StrategyContext& ctx)
      : store_(store), kv_(ctx.kv), db_(ctx.db) {}

  Task<ReplyStatus> add(PostId post, std::int64_t delta);
  Task<DbReply> read(PostId post);
  // The counters of posts first .. first + n - 1 in one round trip (MGET or a read batch).
  Task<ReplyStatus> read_page(PostId first, int n, std::int64_t* counts);
  // Adds every (post, delta) in one round trip: a Redis pipeline or one transaction.
  Task<ReplyStatus> add_all(std::vector<std::pair<PostId, std::int64_t>> deltas);

 private:
  Task<ReplyStatus> add_in_db(PostId post, std::int64_t delta);
  Task<ReplyStatus> add_in_redis(PostId post, std::int64_t delta);
  Task<DbReply> read_from_db(PostId post);
  Task<DbReply> read_from_redis(PostId post);

  CounterStore store_;
  Kv kv_;
  Db db_;
};

}  // namespace likesim
