// BackendState: what the backends hold after a run, read from the servers themselves (the
// simulated servers' own data, or the real servers over their own protocols), never through a
// strategy. The final check (engine/run/final_check.h) compares it with the oracle.
//
// Plain data, one entry per stored object: Redis integer keys (post counters and counter
// shards) and like-set members; PostgreSQL like_counts rows and likes rows. Keys that are not
// a post's counter, shard or like set (streams, Bloom bits) are not read.
//
//   BackendState s = world.read_state();       // throws when a server could not be read
//   s.redis_values[KeyId::counter(7)]          // likes:{7}:count
#pragma once

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/backends/key.h"
#include "engine/model/ids.h"
#include "engine/model/user_set.h"

namespace likesim {

struct BackendState {
  // Redis: every counter (likes:{P}:count) and counter shard (likes:P:shard:S) key.
  absl::flat_hash_map<KeyId, std::int64_t> redis_values;
  // Redis: the members of every like set of a post (liked:{P} and its user-hash shards
  // liked:P:S, all together). A user stored in two of a post's sets (a set and a shard set, or
  // two nodes) is one liker: the count against the likers then shows what that copy added (a
  // double count), and the member-by-member comparison never counts a truth liker twice.
  absl::flat_hash_map<PostId, UserSet> redis_likers;
  // PostgreSQL: like_counts rows (post_id -> n) and likes rows (post_id -> user_ids; a row
  // repeated, were the table to allow it, is one liker, as above).
  absl::flat_hash_map<PostId, std::int64_t> db_counters;
  absl::flat_hash_map<PostId, UserSet> db_likers;

  // The order the likers' sets keep their users in: the world's (UserOrder), so that a hot
  // post's millions of likers are read in as cheaply as the servers wrote them.
  UserOrder likers_order;

  void add_redis_value(const KeyId& key, std::int64_t v) { redis_values[key] += v; }
  void add_redis_member(const KeyId& key, UserId user) {
    redis_likers.try_emplace(key.post, likers_order).first->second.insert(user);
  }
  void add_db_member(PostId post, UserId user) {
    db_likers.try_emplace(post, likers_order).first->second.insert(user);
  }
  // A whole set at once (the simulated servers': a bitset merges word by word).
  void add_redis_likers(const KeyId& key, const UserSet& set) {
    redis_likers.try_emplace(key.post, likers_order).first->second.merge(set);
  }
  void add_db_likers(PostId post, const UserSet& likers) {
    db_likers.try_emplace(post, likers_order).first->second.merge(likers);
  }
  // Every post any of the stores holds, ascending, without repeats.
  std::vector<PostId> posts() const;
};

}  // namespace likesim
