// sim::PostgresTables: the simulated PostgreSQL's committed data, and the view one open
// transaction has of it.
//
// Only committed writes live in the tables: a transaction keeps its writes in its own list
// (PgWrite) and they are applied at its commit, so every other transaction sees them from
// then on (READ COMMITTED: a statement sees what was committed when it starts) and a rollback
// just drops the list. A transaction sees its own writes on top (TxnView).
//
//   PostgresTables tables;
//   std::vector<PgWrite> writes{{PgWrite::like_row, post, user, +1}};
//   TxnView(tables, writes).like(post, user);   // true: its own insert
//   tables.like(post, user);                    // false until tables.apply(writes[0])
#pragma once

#include <cstdint>
#include <span>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "engine/model/ids.h"
#include "engine/model/user_set.h"

namespace likesim::sim {

// One row change of an open transaction.
struct PgWrite {
  enum Kind : std::uint8_t { like_row, counter, offset };
  Kind kind = like_row;
  PostId post = 0;  // offset: the partition
  UserId user = 0;
  std::int64_t value = 0;  // like_row: +1 inserted / -1 deleted; counter: delta; offset: new
};

class PostgresTables {
 public:
  bool like(PostId post, UserId user) const {
    auto it = likes_.find(post);
    return it != likes_.end() && it->second.contains(user);
  }
  std::int64_t like_rows(PostId post) const {
    auto it = likes_.find(post);
    return it == likes_.end() ? 0 : static_cast<std::int64_t>(it->second.size());
  }
  std::int64_t counter(PostId post) const { return find_or_0(counters_, post); }
  std::int64_t offset(std::uint32_t partition) const { return find_or_0(offsets_, partition); }

  void apply(const PgWrite& w);
  // The order the likes table's sets keep their users in (before the first like).
  void order_users(UserOrder order) { order_ = order; }

  void for_each_counter(absl::FunctionRef<void(PostId, std::int64_t)> f) const;
  void for_each_likers(absl::FunctionRef<void(PostId, const UserSet&)> f) const;

 private:
  template <class Map, class Key>
  static std::int64_t find_or_0(const Map& m, Key k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
  }

  absl::flat_hash_map<PostId, UserSet> likes_;  // the likes table, by post
  UserOrder order_;
  absl::flat_hash_map<PostId, std::int64_t> counters_;
  absl::flat_hash_map<std::uint32_t, std::int64_t> offsets_;
};

// The committed tables as one open transaction sees them: its own writes on top. A
// transaction writes a handful of rows, so its list is scanned.
class TxnView {
 public:
  TxnView(const PostgresTables& tables, std::span<const PgWrite> own)
      : tables_(&tables), own_(own) {}

  bool like(PostId post, UserId user) const;
  std::int64_t like_rows(PostId post) const;
  std::int64_t counter(PostId post) const;
  std::int64_t offset(std::uint32_t partition) const;

 private:
  const PostgresTables* tables_;
  std::span<const PgWrite> own_;
};

}  // namespace likesim::sim
