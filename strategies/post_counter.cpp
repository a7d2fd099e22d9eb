#include "strategies/post_counter.h"

namespace likesim {

// add() and read() return the coroutine of their store: each frame holds one awaiter, not both
// (see SingleCounter::like).
Task<ReplyStatus> PostCounter::add(PostId post, std::int64_t delta) {
  return store_ == CounterStore::db ? add_in_db(post, delta) : add_in_redis(post, delta);
}

Task<DbReply> PostCounter::read(PostId post) {
  return store_ == CounterStore::db ? read_from_db(post) : read_from_redis(post);
}

Task<ReplyStatus> PostCounter::add_in_db(PostId post, std::int64_t delta) {
  const DbReply r = co_await db_.run(DbStatement::counter_add(post, delta));
  co_return r.status;
}

Task<ReplyStatus> PostCounter::add_in_redis(PostId post, std::int64_t delta) {
  const KvReply r = co_await kv_.incr_by(KeyId::counter(post), delta);
  co_return r.status;
}

Task<DbReply> PostCounter::read_from_db(PostId post) {
  const DbReply r = co_await db_.run(DbStatement::counter_read(post));
  co_return r;
}

Task<DbReply> PostCounter::read_from_redis(PostId post) {
  const KvReply r = co_await kv_.get(KeyId::counter(post));
  co_return DbReply{r.value, r.status};
}

Task<ReplyStatus> PostCounter::add_all(std::vector<std::pair<PostId, std::int64_t>> deltas) {
  if (store_ == CounterStore::redis) {
    KvBatch pipeline;
    for (const auto& [post, delta] : deltas) {
      pipeline.add(KvCommand::incr_by(KeyId::counter(post), delta));
    }
    const ReplyStatus s = co_await kv_.pipeline(pipeline);
    co_return s;
  }
  DbBatch tx;
  for (const auto& [post, delta] : deltas) tx.add(DbStatement::counter_add(post, delta));
  const ReplyStatus s = co_await db_.transaction(tx);
  co_return s;
}

Task<ReplyStatus> PostCounter::read_page(PostId first, int n, std::int64_t* counts) {
  ReplyStatus status = ReplyStatus::ok;
  if (store_ == CounterStore::redis) {
    KvBatch mget;
    for (int i = 0; i < n; ++i)
      mget.add(KvCommand::get(KeyId::counter(first + static_cast<PostId>(i))));
    status = co_await kv_.mget(mget);
    for (int i = 0; i < n; ++i) counts[i] = mget.replies()[static_cast<std::size_t>(i)].value;
  } else {
    DbBatch reads;
    for (int i = 0; i < n; ++i)
      reads.add(DbStatement::counter_read(first + static_cast<PostId>(i)));
    status = co_await db_.read_batch(reads);
    for (int i = 0; i < n; ++i) counts[i] = reads.replies()[static_cast<std::size_t>(i)].value;
  }
  co_return status;
}

}  // namespace likesim
