#include "strategies/dedup/dedup.h"

#include "strategies/dedup/bloom_dedup.h"
#include "strategies/dedup/db_unique_dedup.h"
#include "strategies/dedup/redis_set_dedup.h"

namespace likesim {

std::unique_ptr<Dedup> make_dedup(DedupMethod method, const StrategyContext& ctx, int set_shards) {
  switch (method) {
    case DedupMethod::db_unique:
      return std::make_unique<DbUniqueDedup>(ctx.db);
    case DedupMethod::bloom:
      return std::make_unique<BloomDedup>(ctx.kv, ctx.db);
    case DedupMethod::redis_set:
      return std::make_unique<RedisSetDedup>(ctx.kv, set_shards);
    case DedupMethod::lua_atomic:
      return std::make_unique<RedisSetDedup>(ctx.kv, 1);
  }
  return nullptr;
}

}  // namespace likesim
