// UserOrder: where a UserSet keeps each user's bit.
//
// A celebrity post's fans arrive as fans(0) + 1, fans(1) + 1, ... (a UserPermutation spreads
// them over all user ids). Kept in id order, each like sets a bit at a random place of a
// 12.5 MB bitset and misses the cache, in every exact copy of the likers (the oracle, the
// simulated Redis set and the simulated likes table, and the failed likes' maybe set). Kept in
// the order the fans arrive (slot = rank + 1), consecutive likes set neighbouring bits: a burst
// writes one cache line after another, and the 16 dedup shard sets of a sharded strategy are
// small bitsets instead of hash sets. Membership does not depend on the order, only where a
// bit lives: a set's answers, sizes and members are the same in any order.
//
// An order is a value of 8 bytes. The permutation it points to is interned and lives until the
// process exits, so sets that are copied, moved between threads or outlive the workload keep a
// valid order;
// each owner of sets (oracle, simulated server) holds its own copy of the value: they share
// the layout, never a set.
//
//   UserOrder order = UserOrder::by_rank(fans);   // identity: UserOrder{}
//   order.slot(fans(k) + 1);                       // k + 1
//   order.user(k + 1);                             // fans(k) + 1
#pragma once

#include <cstdint>

#include "engine/model/ids.h"
#include "engine/model/user_permutation.h"

namespace likesim {

class UserOrder {
 public:
  UserOrder() = default;  // the identity: user u at slot u
  // Users 1..n at slot (fans.inverse(u - 1) + 1): the k-th fan (from 0) at slot k + 1. Ids 0
  // and above n keep their own slot.
  static UserOrder by_rank(const UserPermutation& fans);

  std::uint32_t slot(UserId u) const {
    if (fans_ == nullptr || u == 0 || u > fans_->n()) return u;
    // A request's user is placed several times in a row (the answer check, the oracle's sets,
    // the simulated server's set), and the inverse walks ~20 dependent multiplies: the last
    // one placed on this thread is remembered.
    thread_local LastSlot last;
    if (last.fans != fans_ || last.user != u) last = LastSlot{fans_, u, fans_->inverse(u - 1) + 1};
    return last.slot;
  }
  UserId user(std::uint32_t slot) const {
    if (fans_ == nullptr || slot == 0 || slot > fans_->n()) return slot;
    return (*fans_)(slot - 1) + 1;
  }
  bool identity() const { return fans_ == nullptr; }
  friend bool operator==(const UserOrder& a, const UserOrder& b) { return a.fans_ == b.fans_; }

 private:
  struct LastSlot {
    const UserPermutation* fans = nullptr;
    UserId user = 0;
    std::uint32_t slot = 0;
  };
  explicit UserOrder(const UserPermutation* fans) : fans_(fans) {}
  const UserPermutation* fans_ = nullptr;  // interned (by_rank); null: identity
};

}  // namespace likesim
