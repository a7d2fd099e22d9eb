#include "strategies/dedup/redis_set_dedup.h"

namespace likesim {

Task<DedupAnswer> RedisSetDedup::add(PostId post, UserId user) {
  const KvReply r = co_await kv_.sadd(KeyId::like_set(post), user);
  co_return answer_of(r.status, r.value);
}

Task<DedupAnswer> RedisSetDedup::remove(PostId post, UserId user) {
  const KvReply r = co_await kv_.srem(KeyId::like_set(post), user);
  co_return answer_of(r.status, r.value);
}

Task<StatusResult> RedisSetDedup::contains(PostId post, UserId user) {
  const KvReply r = co_await kv_.sismember(KeyId::like_set(post), user);
  co_return StatusResult{r.value == 1, r.status == ReplyStatus::ok};
}

}  // namespace likesim
