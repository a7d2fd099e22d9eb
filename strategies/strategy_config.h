// The knobs of each counting strategy, as a scenario sets them ([strategy.NAME] tables).
//
// Units are in the field names; defaults are the seeds' typical choices. One scenario may list
// the same kind twice under different names (async_log with and without idempotence).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace likesim {

// Who remembers that a user liked a post, and how a duplicate like is refused.
enum class DedupMethod : std::uint8_t {
  db_unique,   // likes table, PRIMARY KEY (post, user): INSERT ... ON CONFLICT DO NOTHING
  redis_set,   // SADD liked:{post} user; 0 = already liked
  bloom,       // Bloom filter in Redis; "maybe" is confirmed in the likes table (seed 003)
  lua_atomic,  // one script does SADD + INCR (counter in Redis only)
};
// redis_set only: a post's likers are split over this many sets by user hash (keys without a
// shared hash tag, so they spread over the cluster). 1 = one set per post, which a celebrity
// post turns into one hot key.
inline constexpr int kDefaultDedupShards = 1;

enum class CounterStore : std::uint8_t { db, redis };
enum class ShardPick : std::uint8_t { random, user_hash };

struct CountQueryKnobs {};

struct SingleCounterKnobs {
  CounterStore store = CounterStore::db;
  DedupMethod dedup = DedupMethod::db_unique;
  int dedup_shards = kDefaultDedupShards;
};

struct ShardedCounterKnobs {
  int shards = 16;  // K counter keys per post
  ShardPick pick = ShardPick::random;
  bool hash_tag = false;          // true puts all of a post's shards on one node
  double cache_ttl_ms = 0;        // > 0: app-side read cache of the summed count
  bool adaptive = false;          // shard a post only while it is hot (seed 002 §6.2)
  double hot_likes_per_s = 1000;  // adaptive: shard when the rate passes this
  double cool_likes_per_s = 100;  // adaptive: fold back when it falls below this
  DedupMethod dedup = DedupMethod::redis_set;
  int dedup_shards = kDefaultDedupShards;
};

struct WriteBufferedKnobs {
  int app_servers = 4;  // each buffers its own deltas in memory
  double flush_interval_ms = 100;
  CounterStore store = CounterStore::redis;
  DedupMethod dedup = DedupMethod::redis_set;
  int dedup_shards = kDefaultDedupShards;
};

struct AsyncLogKnobs {
  int consumers = 4;
  bool idempotent = true;  // offsets stored with the counts in one transaction
  int max_batch = 500;     // records per poll
  DedupMethod dedup = DedupMethod::db_unique;
  int dedup_shards = kDefaultDedupShards;
};

using StrategyKnobs = std::variant<CountQueryKnobs, SingleCounterKnobs, ShardedCounterKnobs,
                                   WriteBufferedKnobs, AsyncLogKnobs>;

struct StrategyConfig {
  std::string name;  // unique in the scenario; the report's row
  std::string kind;  // count_query | single_counter | sharded_counter | write_buffered | async_log
  StrategyKnobs knobs;
};

constexpr std::string_view dedup_name(DedupMethod d) {
  switch (d) {
    case DedupMethod::db_unique:
      return "db_unique";
    case DedupMethod::redis_set:
      return "redis_set";
    case DedupMethod::bloom:
      return "bloom";
    case DedupMethod::lua_atomic:
      return "lua_atomic";
  }
  return "?";
}

}  // namespace likesim
