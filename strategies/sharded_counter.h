// ShardedCounter: K Redis counter keys per post; a like increments one of them, a count reads
// all K with one MGET and sums them (seed 003).
//
// Trade-off: writes spread over K keys (and, without a shared hash tag, over the cluster's
// nodes), so a celebrity post no longer saturates one key; reads cost K keys instead of one,
// which the optional read cache (cache_ttl_ms) trades for staleness. Adaptive mode (seed 002
// §6.2) keeps a post on one key until its like rate passes hot_likes_per_s, and moves its
// writes back to one key when the rate falls below cool_likes_per_s; a post that was ever
// sharded is always read over all K keys, so folding back never loses or double counts a like.
//
//   ShardedCounter s(ctx, ShardedCounterKnobs{.shards = 32});
#pragma once

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "engine/core/random_stream.h"
#include "strategies/dedup/dedup.h"
#include "strategies/strategy.h"

namespace likesim {

class ShardedCounter final : public Strategy {
 public:
  ShardedCounter(const StrategyContext& ctx, const ShardedCounterKnobs& knobs);

  Task<LikeResult> like(Request r) override;
  Task<UnlikeResult> unlike(Request r) override;
  Task<CountResult> count(PostId post) override;
  Task<StatusResult> status(PostId post, UserId user) override;
  // A page: every shard of every post in one MGET (split per node by the cluster), then the
  // user's statuses; exact (the read cache is for single counts).
  Task<BatchCountResult> batch_count(Request r) override;
  // The dedup's background work (bloom's write-behind).
  void start() override { dedup_->start(); }
  Task<void> drain() override { return dedup_->drain(); }
  void stop() override { dedup_->stop(); }
  void figures(std::vector<Figure>& out) const override;

 private:
  struct HotState {
    std::int64_t window_start_ns = 0;
    std::uint32_t window_likes = 0;
    bool sharded = false;
    bool ever_sharded = false;
  };
  struct CachedCount {
    std::int64_t value = 0;
    Time fetched{0};
  };

  KeyId shard_key(PostId post, int shard) const {
    return KeyId::shard_key(post, static_cast<std::uint16_t>(shard), hash_tag_);
  }
  // The shard a write of (post, user) goes to; updates the adaptive rate estimate.
  int write_shard(PostId post, UserId user, bool is_like);
  // How many shards a read must sum.
  int read_shards(PostId post) const;
  Task<LikeResult> like_by_script(Request r);
  Task<LikeResult> like_then_count(Request r);
  Task<UnlikeResult> unlike_by_script(Request r);
  Task<UnlikeResult> unlike_then_count(Request r);
  Task<KvReply> apply_delta(PostId post, UserId user, std::int64_t delta, bool is_like);
  Task<DbReply> sum_shards(PostId post);

  ShardedCounterKnobs knobs_;
  Runtime* rt_;
  Kv kv_;
  std::unique_ptr<Dedup> dedup_;
  bool hash_tag_;
  RandomStream rng_;
  absl::flat_hash_map<PostId, HotState> hot_;
  absl::flat_hash_map<PostId, CachedCount> cache_;
  std::uint64_t cache_hits_ = 0;
  std::uint64_t posts_sharded_ = 0;
  std::uint64_t folds_ = 0;
};

}  // namespace likesim
