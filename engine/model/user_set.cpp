#include "engine/model/user_set.h"

#include <algorithm>

namespace likesim {
namespace {

void set_in(std::vector<std::uint64_t>& bits, std::uint32_t u) {
  bits[u / 64] |= std::uint64_t{1} << (u % 64);
}

}  // namespace

bool UserSet::insert_outside_bitset(std::uint32_t u) {
  if (dense_) {
    if (small_.contains(u)) return false;
    if (set_bit(u)) {
      ++dense_->size;
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

bool UserSet::erase(UserId user) {
  const std::uint32_t u = order_.slot(user);
  const std::size_t w = u / 64;
  if (!dense_ || w >= dense_->bits.size()) return small_.erase(u) > 0;
  const std::uint64_t bit = std::uint64_t{1} << (u % 64);
  if ((dense_->bits[w] & bit) == 0) return false;
  dense_->bits[w] &= ~bit;
  --dense_->size;
  return true;
}

void UserSet::merge(const UserSet& other) {
  if (!(order_ == other.order_)) {
    other.for_each([&](UserId u) { insert(u); });
    return;
  }
  // The larger bitset takes the other's members: swap roles when the other's is larger
  // (the union does not care which side it starts from).
  const std::size_t mine = dense_ ? dense_->bits.size() : 0;
  const std::size_t theirs = other.dense_ ? other.dense_->bits.size() : 0;
  if (theirs > mine) {
    UserSet copy(other);
    for_each_slot([](std::uint32_t) { return true; }, [&](std::uint32_t s) { copy.insert_slot(s); },
                  nullptr);
    *this = std::move(copy);
    return;
  }
  // Their bitset fits in ours: or the words (counting the new bits), then their outsiders.
  if (theirs > 0) {  // then ours is a bitset at least as long
    std::vector<std::uint64_t>& bits = dense_->bits;
    const std::vector<std::uint64_t>& add = other.dense_->bits;
    for (std::size_t w = 0; w < add.size(); ++w) {
      dense_->size += static_cast<std::size_t>(std::popcount(add[w] & ~bits[w]));
      bits[w] |= add[w];
    }
  }
  for (const std::uint32_t s : other.small_) insert_slot(s);
}

std::size_t UserSet::count_common(const UserSet& other) const {
  if (!(order_ == other.order_)) {
    std::size_t n = 0;
    for_each([&](UserId u) { n += other.contains(u) ? 1 : 0; });
    return n;
  }
  // Members both bitsets hold, word by word; then every other member of this set, by slot.
  std::size_t n = 0;
  const std::vector<std::uint64_t>* theirs = other.dense_ ? &other.dense_->bits : nullptr;
  if (dense_ && theirs) {
    const std::size_t words = std::min(dense_->bits.size(), theirs->size());
    for (std::size_t w = 0; w < words; ++w) {
      n += static_cast<std::size_t>(std::popcount(dense_->bits[w] & (*theirs)[w]));
    }
  }
  for_each_slot([&](std::uint32_t s) { return other.contains_slot(s); },
                [&](std::uint32_t) { ++n; }, &other);
  return n;
}

std::size_t UserSet::storage_bytes() const {
  // absl's flat set: one slot and one control byte per bucket.
  const std::size_t bits =
      dense_ ? sizeof(Dense) + dense_->bits.capacity() * sizeof(std::uint64_t) : 0;
  return bits + small_.bucket_count() * (sizeof(UserId) + 1);
}

bool UserSet::bitset_is_smaller(std::uint32_t largest) const {
  const std::size_t bitset_bytes = (static_cast<std::size_t>(largest) / 64 + 1) * 8;
  return bitset_bytes < storage_bytes();
}

void UserSet::make_dense() {
  dense_ = std::make_unique<Dense>();
  std::vector<std::uint64_t>& bits = dense_->bits;
  bits.assign(static_cast<std::size_t>(largest_) / 64 + 1, 0);
  dense_->size = small_.size();
  for (const std::uint32_t u : small_) set_in(bits, u);
  absl::flat_hash_set<std::uint32_t>().swap(small_);  // give its memory back
}

bool UserSet::set_bit(std::uint32_t u) {
  std::vector<std::uint64_t>& bits = dense_->bits;
  const std::size_t w = u / 64;
  if (w >= bits.size()) {
    // Grow by half at least, as a vector would, but never below what `u` needs, and never to
    // more than 16 bytes a member.
    const std::size_t words = std::max(w + 1, bits.size() + bits.size() / 2);
    if (words * 8 > 16 * (dense_->size + 1)) return false;
    bits.reserve(words);  // exactly: resize alone may double the capacity
    bits.resize(words, 0);
    // Ids kept outside because they were beyond the end may be inside now.
    for (auto it = small_.begin(); it != small_.end();) {
      const std::uint32_t v = *it;
      if (v / 64 >= words) {
        ++it;
        continue;
      }
      set_in(bits, v);
      ++dense_->size;
      small_.erase(it++);
    }
  }
  set_in(bits, u);
  return true;
}

}  // namespace likesim
