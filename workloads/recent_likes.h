// RecentLikes: a bounded memory of the likes a workload issued, from which unlikes are drawn.
//
// An unlike must undo a like that was actually sent (a real user un-likes what they liked),
// and users un-like recent likes far more than old ones. A ring of the last `capacity` likes
// (oldest dropped when full) gives both in O(1) per operation and fixed memory. Taking a
// random element fills its hole with the oldest element and advances the head, so the ring
// stays contiguous; the age order inside it is only approximate after removals, which is
// all "recent" needs.
//
//   RecentLikes recent(65536);
//   recent.add(post, user);
//   PostId p; UserId u;
//   if (recent.take_random(rng, p, u)) issue_unlike(p, u);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/core/random_stream.h"
#include "engine/model/ids.h"

namespace likesim {

class RecentLikes {
 public:
  explicit RecentLikes(std::size_t capacity) : slots_(capacity ? capacity : 1) {}

  void add(PostId post, UserId user) {
    const std::size_t cap = slots_.size();
    if (size_ == cap) {  // full: drop the oldest
      slots_[head_] = pack_like(post, user);
      head_ = head_ + 1 == cap ? 0 : head_ + 1;
      return;
    }
    slots_[wrap(head_ + size_)] = pack_like(post, user);
    ++size_;
  }

  // Removes a uniformly chosen like and returns it; false when empty.
  bool take_random(RandomStream& rng, PostId& post, UserId& user) {
    if (size_ == 0) return false;
    const std::size_t i = wrap(head_ + rng.uniform_int(size_));
    const std::uint64_t like = slots_[i];
    slots_[i] = slots_[head_];
    head_ = wrap(head_ + 1);
    --size_;
    post = static_cast<PostId>(like >> 32);
    user = static_cast<UserId>(like);
    return true;
  }

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

 private:
  std::size_t wrap(std::size_t i) const { return i >= slots_.size() ? i - slots_.size() : i; }

  std::vector<std::uint64_t> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace likesim
