// RedisSetDedup: a Redis set of likers per post (SADD answers 0 for a duplicate). Fast and
// exact while the node keeps its data; what a crash loses depends on appendfsync.
#pragma once

#include "strategies/dedup/dedup.h"

namespace likesim {

class RedisSetDedup final : public Dedup {
 public:
  explicit RedisSetDedup(Kv kv) : kv_(kv) {}
  Task<DedupAnswer> add(PostId post, UserId user) override;
  Task<DedupAnswer> remove(PostId post, UserId user) override;
  Task<StatusResult> contains(PostId post, UserId user) override;

 private:
  Kv kv_;
};

}  // namespace likesim
