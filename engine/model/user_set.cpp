#include "engine/model/user_set.h"

#include <algorithm>

namespace likesim {

bool UserSet::insert(UserId u) {
  if (dense_) {
    if (contains(u)) return false;
    if (set_bit(u)) {
      ++dense_size_;
    } else {
      small_.insert(u);
    }
    return true;
  }
  if (!small_.insert(u).second) return false;
  largest_ = std::max(largest_, u);
  if (small_.size() >= kMinDense && bitset_is_smaller(largest_)) make_dense();
  return true;
}

bool UserSet::erase(UserId u) {
  const std::size_t w = u / 64;
  if (!dense_ || w >= bits_.size()) return small_.erase(u) > 0;
  const std::uint64_t bit = std::uint64_t{1} << (u % 64);
  if ((bits_[w] & bit) == 0) return false;
  bits_[w] &= ~bit;
  --dense_size_;
  return true;
}

std::size_t UserSet::storage_bytes() const {
  // absl's flat set: one slot and one control byte per bucket.
  return bits_.capacity() * sizeof(std::uint64_t) + small_.bucket_count() * (sizeof(UserId) + 1);
}

bool UserSet::bitset_is_smaller(UserId largest) const {
  const std::size_t bitset_bytes = (static_cast<std::size_t>(largest) / 64 + 1) * 8;
  return bitset_bytes < storage_bytes();
}

void UserSet::make_dense() {
  bits_.assign(static_cast<std::size_t>(largest_) / 64 + 1, 0);
  dense_ = true;
  dense_size_ = small_.size();
  for (const UserId u : small_) bits_[u / 64] |= std::uint64_t{1} << (u % 64);
  absl::flat_hash_set<UserId>().swap(small_);  // give its memory back
}

bool UserSet::set_bit(UserId u) {
  const std::size_t w = u / 64;
  if (w >= bits_.size()) {
    // Grow by half at least, as a vector would, but never below what `u` needs, and never to
    // more than 16 bytes a member.
    const std::size_t words = std::max(w + 1, bits_.size() + bits_.size() / 2);
    if (words * 8 > 16 * (dense_size_ + 1)) return false;
    bits_.resize(words, 0);
    // Ids kept outside because they were beyond the end may be inside now.
    for (auto it = small_.begin(); it != small_.end();) {
      const UserId v = *it;
      if (v / 64 >= words) {
        ++it;
        continue;
      }
      bits_[v / 64] |= std::uint64_t{1} << (v % 64);
      ++dense_size_;
      small_.erase(it++);
    }
  }
  bits_[w] |= std::uint64_t{1} << (u % 64);
  return true;
}

}  // namespace likesim
