// StrategyStorage: where a strategy of a given configuration keeps each post's count and its
// likers in the backends — derived from the StrategyConfig alone, never asked of the strategy,
// so the final check reads what the backends hold and not what the strategy says it holds.
//
// The one place this mapping is written down (keep it in step with strategies/):
//   count                                   where the count is
//     count_query                             the post's likes rows (COUNT(*))
//     single_counter  store = db              its like_counts row
//                     store = redis           likes:{P}:count
//     sharded_counter                         Σ of every likes:P:shard:S key of the post (the
//                                             adaptive mode's unsharded counter is shard 0)
//     write_buffered  store = db / redis      like_counts row / likes:{P}:count
//     async_log                               its like_counts row (the consumers' upserts)
//   likers (dedup)                          who liked the post
//     db_unique, bloom                        likes rows (bloom's maybe-confirm and its
//                                             write-behind both end in the likes table)
//     redis_set, lua_atomic                   the like sets liked:{P} / liked:P:S (dedup_shards)
//   count_query's likers are its likes rows whatever its (unused) dedup knob says.
//
//   StrategyStorage where(config);
//   std::int64_t n = where.count(state, post);
//   const UserSet* who = where.likers(state, post);   // null: none stored
#pragma once

#include <cstdint>
#include <vector>

#include "engine/backends/backend_state.h"
#include "strategies/strategy_config.h"

namespace likesim {

class StrategyStorage {
 public:
  enum class Count : std::uint8_t { like_rows, db_counter, redis_counter, redis_shards };
  enum class Likers : std::uint8_t { like_rows, like_sets };

  explicit StrategyStorage(const StrategyConfig& config);

  Count count_source() const { return count_; }
  Likers likers_source() const { return likers_; }

  // The post's stored count (0 when nothing is stored for it).
  std::int64_t count(const BackendState& state, PostId post) const;
  // The post's stored likers; null when none are stored.
  const UserSet* likers(const BackendState& state, PostId post) const;

  // Σ of every counter shard per post: computed once from the state, for redis_shards.
  void index(const BackendState& state);

 private:
  Count count_ = Count::like_rows;
  Likers likers_ = Likers::like_rows;
  absl::flat_hash_map<PostId, std::int64_t> shard_sums_;
};

}  // namespace likesim
