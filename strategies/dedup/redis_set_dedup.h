// RedisSetDedup: a Redis set of likers per post (SADD answers 0 for a duplicate). Fast and
// exact while the node keeps its data; what a crash loses depends on appendfsync. With
// shards > 1 a post's likers are split over that many sets by user hash, so a celebrity
// post's dedup traffic spreads over the cluster instead of saturating one key.
#pragma once

#include "engine/core/random_stream.h"
#include "strategies/dedup/dedup.h"

namespace likesim {

class RedisSetDedup final : public Dedup {
 public:
  RedisSetDedup(Kv kv, int shards) : kv_(kv), shards_(shards < 1 ? 1 : shards) {}
  Task<DedupAnswer> add(PostId post, UserId user) override;
  Task<DedupAnswer> remove(PostId post, UserId user) override;
  Task<StatusResult> contains(PostId post, UserId user) override;
  Task<ReplyStatus> contains_page(PostId first, int n, UserId user, bool* liked) override;

 private:
  KeyId set_of(PostId post, UserId user) const {
    if (shards_ == 1) return KeyId::like_set(post);
    // Shards 1..shards_: shard 0 is the unsplit set's key.
    return KeyId::like_set_shard(post, static_cast<std::uint16_t>(1 + mix64(user) % shards_));
  }
  Kv kv_;
  std::uint64_t shards_;
};

}  // namespace likesim
