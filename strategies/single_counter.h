// SingleCounter: one pre-aggregated counter per post, updated in the like request.
//
// Trade-off (seed 002, seed 003): reads are one key or row, but every like of a post updates
// the same counter. In PostgreSQL (store = "db") that counter row's lock serialises all of a
// hot post's likes; in Redis (store = "redis") one key caps at one node's command rate.
// With store = "db" and dedup = "db_unique" a like is one statement: insert the like row and,
// if it was new, add 1 to the counter row (a CTE), atomic.
//
//   SingleCounter s(ctx, SingleCounterKnobs{.store = CounterStore::redis,
//                                           .dedup = DedupMethod::lua_atomic});
#pragma once

#include "strategies/stored_counter_strategy.h"

namespace likesim {

class SingleCounter final : public StoredCounterStrategy {
 public:
  SingleCounter(const StrategyContext& ctx, const SingleCounterKnobs& knobs);

  Task<LikeResult> like(Request r) override;
  Task<UnlikeResult> unlike(Request r) override;

 private:
  Task<LikeResult> like_in_one_statement(Request r);
  Task<LikeResult> like_by_script(Request r);
  Task<LikeResult> like_then_count(Request r);
  Task<UnlikeResult> unlike_in_one_statement(Request r);
  Task<UnlikeResult> unlike_by_script(Request r);
  Task<UnlikeResult> unlike_then_count(Request r);

  SingleCounterKnobs knobs_;
  Kv kv_;
  Db db_;
  bool one_statement_;  // db store + db_unique: insert and count in one statement
};

}  // namespace likesim
