#include "strategies/dedup/redis_set_dedup.h"

namespace likesim {

Task<DedupAnswer> RedisSetDedup::add(PostId post, UserId user) {
  const KvReply r = co_await kv_.sadd(set_of(post, user), user);
  co_return answer_of(r.status, r.value);
}

Task<DedupAnswer> RedisSetDedup::remove(PostId post, UserId user) {
  const KvReply r = co_await kv_.srem(set_of(post, user), user);
  co_return answer_of(r.status, r.value);
}

Task<StatusResult> RedisSetDedup::contains(PostId post, UserId user) {
  const KvReply r = co_await kv_.sismember(set_of(post, user), user);
  co_return StatusResult{r.value == 1, r.status == ReplyStatus::ok};
}

}  // namespace likesim
