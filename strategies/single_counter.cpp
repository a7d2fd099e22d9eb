#include "strategies/single_counter.h"

#include <cassert>

namespace likesim {

SingleCounter::SingleCounter(const StrategyContext& ctx, const SingleCounterKnobs& knobs)
    : StoredCounterStrategy(knobs.store, make_dedup(knobs.dedup, ctx, knobs.dedup_shards), ctx,
                            /*approximate=*/false),
      knobs_(knobs),
      kv_(ctx.kv),
      db_(ctx.db),
      one_statement_(knobs.store == CounterStore::db && knobs.dedup == DedupMethod::db_unique) {
  // The script counts in Redis; a DB counter would never see it (the scenario loader refuses
  // this combination with a file:line error).
  assert(!(knobs.store == CounterStore::db && knobs.dedup == DedupMethod::lua_atomic));
}

// like() and unlike() pick their path and return its coroutine: a frame holds only the locals
// of the path it runs (GCC keeps every branch's awaiters in one frame: 400 bytes for all three,
// and with ~100 k likes in flight each frame is memory that an answer must fetch again).
Task<LikeResult> SingleCounter::like(Request r) {
  if (one_statement_) return like_in_one_statement(r);
  if (knobs_.dedup == DedupMethod::lua_atomic) return like_by_script(r);
  return like_then_count(r);
}

Task<UnlikeResult> SingleCounter::unlike(Request r) {
  if (one_statement_) return unlike_in_one_statement(r);
  if (knobs_.dedup == DedupMethod::lua_atomic) return unlike_by_script(r);
  return unlike_then_count(r);
}

Task<LikeResult> SingleCounter::like_in_one_statement(Request r) {
  const DbReply reply = co_await db_.run(DbStatement::insert_like_and_increment(r.post, r.user));
  if (reply.status != ReplyStatus::ok) co_return LikeResult::failed;
  co_return reply.value == 1 ? LikeResult::ok : LikeResult::already_liked;
}

Task<LikeResult> SingleCounter::like_by_script(Request r) {
  const KvReply reply =
      co_await kv_.like_script(KeyId::like_set(r.post), KeyId::counter(r.post), r.user);
  if (reply.status != ReplyStatus::ok) co_return LikeResult::failed;
  co_return reply.value == 1 ? LikeResult::ok : LikeResult::already_liked;
}

Task<LikeResult> SingleCounter::like_then_count(Request r) {
  const DedupAnswer added = co_await dedup_->add(r.post, r.user);
  if (added == DedupAnswer::failed) co_return LikeResult::failed;
  if (added == DedupAnswer::unchanged) co_return LikeResult::already_liked;
  // Recorded but maybe not counted if this fails: the honest answer is `failed`.
  const ReplyStatus counted = co_await counter_.add(r.post, +1);
  co_return counted == ReplyStatus::ok ? LikeResult::ok : LikeResult::failed;
}

Task<UnlikeResult> SingleCounter::unlike_in_one_statement(Request r) {
  const DbReply reply = co_await db_.run(DbStatement::delete_like_and_decrement(r.post, r.user));
  if (reply.status != ReplyStatus::ok) co_return UnlikeResult::failed;
  co_return reply.value == 1 ? UnlikeResult::ok : UnlikeResult::not_liked;
}

Task<UnlikeResult> SingleCounter::unlike_by_script(Request r) {
  const KvReply reply =
      co_await kv_.unlike_script(KeyId::like_set(r.post), KeyId::counter(r.post), r.user);
  if (reply.status != ReplyStatus::ok) co_return UnlikeResult::failed;
  co_return reply.value == 1 ? UnlikeResult::ok : UnlikeResult::not_liked;
}

Task<UnlikeResult> SingleCounter::unlike_then_count(Request r) {
  const DedupAnswer removed = co_await dedup_->remove(r.post, r.user);
  if (removed == DedupAnswer::failed) co_return UnlikeResult::failed;
  if (removed == DedupAnswer::unchanged) co_return UnlikeResult::not_liked;
  const ReplyStatus counted = co_await counter_.add(r.post, -1);
  co_return counted == ReplyStatus::ok ? UnlikeResult::ok : UnlikeResult::failed;
}

}  // namespace likesim
