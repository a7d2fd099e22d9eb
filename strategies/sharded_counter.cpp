#include "strategies/sharded_counter.h"

#include <array>

namespace likesim {

ShardedCounter::ShardedCounter(const StrategyContext& ctx, const ShardedCounterKnobs& knobs)
    : knobs_(knobs),
      rt_(ctx.runtime),
      kv_(ctx.kv),
      dedup_(make_dedup(knobs.dedup, ctx, knobs.dedup_shards)),
      // A script's keys must share a slot, so lua_atomic keeps every shard with the set.
      hash_tag_(knobs.hash_tag || knobs.dedup == DedupMethod::lua_atomic),
      rng_(ctx.seed, "sharded_counter.shard_pick") {}

int ShardedCounter::write_shard(PostId post, UserId user, bool is_like) {
  if (knobs_.adaptive) {
    HotState& h = hot_[post];
    const std::int64_t now = rt_->now().count();
    if (is_like) ++h.window_likes;
    const std::int64_t elapsed = now - h.window_start_ns;
    if (elapsed >= 1'000'000'000) {  // re-estimate the like rate once a second
      const double rate = h.window_likes * 1e9 / static_cast<double>(elapsed);
      if (!h.sharded && rate > knobs_.hot_likes_per_s) {
        h.sharded = true;
        if (!h.ever_sharded) ++posts_sharded_;
        h.ever_sharded = true;
      } else if (h.sharded && rate < knobs_.cool_likes_per_s) {
        h.sharded = false;
        ++folds_;
      }
      h.window_start_ns = now;
      h.window_likes = 0;
    }
    if (!h.sharded) return 0;
  }
  if (knobs_.pick == ShardPick::user_hash) return static_cast<int>(mix64(user) % knobs_.shards);
  return static_cast<int>(rng_.uniform_int(static_cast<std::uint64_t>(knobs_.shards)));
}

int ShardedCounter::read_shards(PostId post) const {
  if (!knobs_.adaptive) return knobs_.shards;
  auto it = hot_.find(post);
  return it != hot_.end() && it->second.ever_sharded ? knobs_.shards : 1;
}

Task<KvReply> ShardedCounter::apply_delta(PostId post, UserId user, std::int64_t delta,
                                          bool is_like) {
  const KeyId key = shard_key(post, write_shard(post, user, is_like));
  const KvReply r = co_await kv_.incr_by(key, delta);
  co_return r;
}

// like() and unlike() return the coroutine of their path: each frame holds only its own
// awaiters (see SingleCounter::like).
Task<LikeResult> ShardedCounter::like(Request r) {
  return knobs_.dedup == DedupMethod::lua_atomic ? like_by_script(r) : like_then_count(r);
}

Task<UnlikeResult> ShardedCounter::unlike(Request r) {
  return knobs_.dedup == DedupMethod::lua_atomic ? unlike_by_script(r) : unlike_then_count(r);
}

Task<LikeResult> ShardedCounter::like_by_script(Request r) {
  const KeyId key = shard_key(r.post, write_shard(r.post, r.user, true));
  const KvReply reply = co_await kv_.like_script(KeyId::like_set(r.post), key, r.user);
  if (reply.status != ReplyStatus::ok) co_return LikeResult::failed;
  co_return reply.value == 1 ? LikeResult::ok : LikeResult::already_liked;
}

Task<LikeResult> ShardedCounter::like_then_count(Request r) {
  const DedupAnswer added = co_await dedup_->add(r.post, r.user);
  if (added == DedupAnswer::failed) co_return LikeResult::failed;
  if (added == DedupAnswer::unchanged) co_return LikeResult::already_liked;
  const KvReply counted = co_await apply_delta(r.post, r.user, +1, true);
  co_return counted.status == ReplyStatus::ok ? LikeResult::ok : LikeResult::failed;
}

Task<UnlikeResult> ShardedCounter::unlike_by_script(Request r) {
  const KeyId key = shard_key(r.post, write_shard(r.post, r.user, false));
  const KvReply reply = co_await kv_.unlike_script(KeyId::like_set(r.post), key, r.user);
  if (reply.status != ReplyStatus::ok) co_return UnlikeResult::failed;
  co_return reply.value == 1 ? UnlikeResult::ok : UnlikeResult::not_liked;
}

Task<UnlikeResult> ShardedCounter::unlike_then_count(Request r) {
  const DedupAnswer removed = co_await dedup_->remove(r.post, r.user);
  if (removed == DedupAnswer::failed) co_return UnlikeResult::failed;
  if (removed == DedupAnswer::unchanged) co_return UnlikeResult::not_liked;
  // Any shard may go negative; only the sum means anything.
  const KvReply counted = co_await apply_delta(r.post, r.user, -1, false);
  co_return counted.status == ReplyStatus::ok ? UnlikeResult::ok : UnlikeResult::failed;
}

Task<DbReply> ShardedCounter::sum_shards(PostId post) {
  const int k = read_shards(post);
  if (k == 1) {
    const KvReply r = co_await kv_.get(shard_key(post, 0));
    co_return DbReply{r.value, r.status};
  }
  KvBatch mget;
  for (int s = 0; s < k; ++s) mget.add(KvCommand::get(shard_key(post, s)));
  const ReplyStatus status = co_await kv_.mget(mget);
  std::int64_t sum = 0;
  for (const KvReply& r : mget.replies()) sum += r.value;
  co_return DbReply{sum, status};
}

Task<CountResult> ShardedCounter::count(PostId post) {
  const bool cached = knobs_.cache_ttl_ms > 0;
  if (cached) {
    auto it = cache_.find(post);
    if (it != cache_.end() && rt_->now() - it->second.fetched < from_millis(knobs_.cache_ttl_ms)) {
      ++cache_hits_;
      co_return CountResult{it->second.value, true, true};
    }
  }
  const DbReply sum = co_await sum_shards(post);
  const bool ok = sum.status == ReplyStatus::ok;
  if (cached && ok) cache_[post] = CachedCount{sum.value, rt_->now()};
  co_return CountResult{sum.value, cached, ok};
}

Task<StatusResult> ShardedCounter::status(PostId post, UserId user) {
  const StatusResult s = co_await dedup_->contains(post, user);
  co_return s;
}

Task<BatchCountResult> ShardedCounter::batch_count(Request r) {
  BatchCountResult out;
  out.n = r.batch;
  KvBatch mget;
  std::array<int, kMaxBatchPosts> shards{};
  for (int i = 0; i < r.batch; ++i) {
    const PostId post = r.post + static_cast<PostId>(i);
    shards[static_cast<std::size_t>(i)] = read_shards(post);
    for (int s = 0; s < shards[static_cast<std::size_t>(i)]; ++s) {
      mget.add(KvCommand::get(shard_key(post, s)));
    }
  }
  const ReplyStatus counted = co_await kv_.mget(mget);
  std::size_t next = 0;
  for (int i = 0; i < r.batch; ++i) {
    std::int64_t sum = 0;
    for (int s = 0; s < shards[static_cast<std::size_t>(i)]; ++s)
      sum += mget.replies()[next++].value;
    out.counts[static_cast<std::size_t>(i)] = sum;
  }
  const ReplyStatus statuses =
      co_await dedup_->contains_page(r.post, r.batch, r.user, out.liked.data());
  out.ok = counted == ReplyStatus::ok && statuses == ReplyStatus::ok;
  co_return out;
}

void ShardedCounter::figures(std::vector<Figure>& out) const {
  if (knobs_.cache_ttl_ms > 0) out.push_back({"cache_hits", static_cast<double>(cache_hits_)});
  if (knobs_.adaptive) {
    out.push_back({"posts_sharded", static_cast<double>(posts_sharded_)});
    out.push_back({"folds", static_cast<double>(folds_)});
  }
  dedup_->figures(out);
}

}  // namespace likesim
