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

Task<ReplyStatus> RedisSetDedup::contains_page(PostId first, int n, UserId user, bool* liked) {
  KvBatch pipeline;
  for (int i = 0; i < n; ++i) {
    const PostId post = first + static_cast<PostId>(i);
    pipeline.add({set_of(post, user), {}, user, KvVerb::sismember});
  }
  const ReplyStatus status = co_await kv_.pipeline(pipeline);
  for (int i = 0; i < n; ++i) liked[i] = pipeline.replies()[static_cast<std::size_t>(i)].value == 1;
  co_return status;
}

}  // namespace likesim
