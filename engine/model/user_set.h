// UserSet: an exact set of user ids that costs what a bitmap costs once it is large.
//
// User ids are dense integers from 1 (the workload's users), and a celebrity post's likers are
// millions of them, held exactly in three places that must never share state: the oracle's
// truth, the simulated Redis set, the simulated likes table. A hash set costs 5-10 bytes a
// member there; one bit per id up to the largest costs (largest id) / 8 bytes in all. A
// UserSet starts as a hash set and turns into a bitset when the bitset would be the smaller
// (and it holds at least kMinDense members, so that small sets never pay for a bitset): 18 M
// likers among 100 M users then take 12.5 MB, 0.7 bytes each, instead of ~170 MB. It never
// turns back (a set that was that large is likely to stay so). An id far beyond the bitset's
// end, which would make it cost more than 16 bytes a member, stays in the hash set instead
// (a stray id near 2^32 must not cost 512 MB). Membership is exact either way.
//
// A set keeps its users at the slots of its UserOrder (identity unless given one): laid out in
// a celebrity's fans' order, a burst's likes set neighbouring bits instead of random ones.
// Everything a set answers and takes is a user id; slots are internal.
//
//   UserSet s;                  // or UserSet s(order);
//   s.insert(7);        // true: new
//   s.contains(7);      // true
//   s.erase(7);         // true: was there
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/model/ids.h"
#include "engine/model/user_order.h"

namespace likesim {

class UserSet {
 public:
  static constexpr std::size_t kMinDense = 4096;

  UserSet() = default;
  explicit UserSet(UserOrder order) : order_(order) {}
  UserSet(const UserSet& o)
      : small_(o.small_),
        dense_(o.dense_ ? std::make_unique<Dense>(*o.dense_) : nullptr),
        largest_(o.largest_),
        order_(o.order_) {}
  UserSet& operator=(const UserSet& o) {
    if (this != &o) *this = UserSet(o);
    return *this;
  }
  UserSet(UserSet&&) noexcept = default;
  UserSet& operator=(UserSet&&) noexcept = default;

  // True if it was not there. A bitset member's insert is inline, a handful of instructions
  // (the call with the growth path's register saves cost ~35 a like, twice a like in mm1).
  bool insert(UserId user) { return insert_slot(order_.slot(user)); }
  bool erase(UserId user);  // true if it was there
  bool contains(UserId user) const { return contains_slot(order_.slot(user)); }
  std::size_t size() const { return (dense_ ? dense_->size : 0) + small_.size(); }
  bool empty() const { return size() == 0; }
  bool dense() const { return dense_ != nullptr; }
  UserOrder order() const { return order_; }
  // Bytes of members' storage (the hash set's slots, or the bitset's words).
  std::size_t storage_bytes() const;

  // Whole sets at once, for the final check's 18 M-member sets. When both sets keep their
  // users in the same order they go word by word over the bitsets (~64 members an
  // instruction or two); otherwise member by member, through the users' ids.
  // Adds every member of `other`.
  void merge(const UserSet& other);
  // How many members this set and `other` share.
  std::size_t count_common(const UserSet& other) const;
  // Calls f(user) for every member that `other` does not hold, in no particular order.
  template <class F>
  void for_each_not_in(const UserSet& other, F&& f) const {
    if (!(order_ == other.order_)) {
      for_each([&](UserId u) {
        if (!other.contains(u)) f(u);
      });
      return;
    }
    for_each_slot([&](std::uint32_t s) { return !other.contains_slot(s); },
                  [&](std::uint32_t s) { f(order_.user(s)); }, &other);
  }

  // Every member once, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for_each_slot([](std::uint32_t) { return true; }, [&](std::uint32_t s) { f(order_.user(s)); },
                  nullptr);
  }

 private:
  // Below, a user is named by its slot (order_.slot(user)).
  bool insert_slot(std::uint32_t u) {
    if (dense_) {
      std::vector<std::uint64_t>& bits = dense_->bits;
      const std::size_t w = u / 64;
      if (w < bits.size()) {
        const std::uint64_t bit = std::uint64_t{1} << (u % 64);
        if ((bits[w] & bit) != 0) return false;
        bits[w] |= bit;
        ++dense_->size;
        return true;
      }
    }
    return insert_outside_bitset(u);
  }
  bool contains_slot(std::uint32_t u) const {
    if (dense_) {
      const std::size_t w = u / 64;
      if (w < dense_->bits.size()) return (dense_->bits[w] >> (u % 64) & 1) != 0;
    }
    return small_.contains(u);
  }
  // Calls each(s) for every member's slot s with keep(s). With `other` (same order, not null)
  // a bitset word is first masked by other's: keep() is then asked only of slots that
  // `other` may not hold, so a slot both bitsets hold costs nothing.
  template <class Keep, class Each>
  void for_each_slot(Keep&& keep, Each&& each, const UserSet* other) const {
    for (const std::uint32_t u : small_) {
      if (keep(u)) each(u);
    }
    if (!dense_) return;
    const std::vector<std::uint64_t>& bits = dense_->bits;
    const std::vector<std::uint64_t>* mask =
        other && other->dense_ ? &other->dense_->bits : nullptr;
    for (std::size_t w = 0; w < bits.size(); ++w) {
      std::uint64_t word = bits[w];
      if (mask && w < mask->size()) word &= ~(*mask)[w];
      for (; word != 0; word &= word - 1) {
        const auto u =
            static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(word)));
        if (keep(u)) each(u);
      }
    }
  }
  // insert() for a small set, or for a slot beyond the bitset's end.
  bool insert_outside_bitset(std::uint32_t u);
  // Whether the bitset up to `largest` would take less room than the hash set does now.
  bool bitset_is_smaller(std::uint32_t largest) const;
  void make_dense();
  // Sets u's bit if the bitset reaches it or may grow to (false: too far, u stays outside).
  bool set_bit(std::uint32_t u);

  struct Dense {
    std::size_t size = 0;  // members in bits
    std::vector<std::uint64_t> bits;
  };
  // Small: every member's slot. Dense: the slots outside the bitset (beyond its end).
  absl::flat_hash_set<std::uint32_t> small_;
  std::unique_ptr<Dense> dense_;  // apart, so that the many small sets stay small
  std::uint32_t largest_ = 0;     // the largest slot ever held while small
  UserOrder order_;
};

}  // namespace likesim
