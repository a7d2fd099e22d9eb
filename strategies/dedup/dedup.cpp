#include "strategies/dedup/dedup.h"

#include "strategies/dedup/bloom_dedup.h"
#include "strategies/dedup/db_unique_dedup.h"
#include "strategies/dedup/redis_set_dedup.h"

namespace likesim {

Task<ReplyStatus> Dedup::contains_page(PostId first, int n, UserId user, bool* liked) {
  ReplyStatus status = ReplyStatus::ok;
  for (int i = 0; i < n; ++i) {
    const StatusResult s = co_await contains(first + static_cast<PostId>(i), user);
    liked[i] = s.liked;
    if (!s.ok) status = ReplyStatus::error;
  }
  co_return status;
}

std::unique_ptr<Dedup> make_dedup(DedupMethod method, const StrategyContext& ctx, int set_shards,
                                  bool host_reads_log) {
  switch (method) {
    case DedupMethod::db_unique:
      return std::make_unique<DbUniqueDedup>(ctx.db);
    case DedupMethod::bloom:
      return std::make_unique<BloomDedup>(ctx, host_reads_log);
    case DedupMethod::redis_set:
      return std::make_unique<RedisSetDedup>(ctx.kv, set_shards);
    case DedupMethod::lua_atomic:
      return std::make_unique<RedisSetDedup>(ctx.kv, 1);
  }
  return nullptr;
}

}  // namespace likesim
