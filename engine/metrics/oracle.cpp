#include "engine/metrics/oracle.h"

#include <algorithm>
#include <cassert>

namespace likesim {

void Oracle::change(PostTruth& p, std::int64_t delta, Time t) {
  assert(p.count >= 0 && (delta == 1 || delta == -1));
  const auto from = static_cast<std::size_t>(p.count);
  assert(from <= p.left_at.size());  // every value below the count has been left
  if (from < p.left_at.size()) {
    p.left_at.set(from, t.count());
  } else {
    p.left_at.push_back(t.count());  // a new highest value
  }
  p.count += delta;
}

const Oracle::PostTruth* Oracle::find(PostId post) const {
  if (const PostTruth* p = last_.get(post)) return p;
  auto it = posts_.find(post);
  if (it == posts_.end()) return nullptr;
  // The entry is the map's, not const; find() is const only to serve the const queries.
  last_.set(post, const_cast<PostTruth*>(&it->second));
  return &it->second;
}

Oracle::PostTruth& Oracle::find_or_add(PostId post) {
  if (PostTruth* p = last_.get(post)) return *p;
  PostTruth& p = posts_.try_emplace(post, order_).first->second;
  last_.set(post, &p);
  return p;
}

bool Oracle::liked(PostId post, UserId user) const {
  const PostTruth* p = find(post);
  return p != nullptr && p->likers.contains(user);
}

bool Oracle::on_like_ok(PostId post, UserId user, Time t) {
  PostTruth& p = find_or_add(post);
  if (!p.likers.insert(user)) {
    if (p.maybe && p.maybe->unliked.erase(user)) {
      // The failed unlike had landed after all: the truth goes down and up again, and the
      // count's lower bound no longer needs the slack.
      change(p, -1, t);
      change(p, +1, t);
      return true;
    }
    ++dedup_violations_;
    return false;
  }
  // A failed like of this pair that had landed would have made this one already_liked: it did
  // not land, and its allowance goes (else it would hide a double count).
  if (p.maybe) p.maybe->liked.erase(user);
  ++likes_held_;
  change(p, +1, t);
  return true;
}

bool Oracle::on_unlike_ok(PostId post, UserId user, Time t) {
  PostTruth& p = find_or_add(post);
  if (!p.likers.erase(user)) {
    if (p.maybe && p.maybe->liked.erase(user)) {
      // The failed like had landed after all; this unlike removed it. Net zero for the truth.
      change(p, +1, t);
      change(p, -1, t);
      return true;
    }
    ++dedup_violations_;
    return false;
  }
  // Symmetric: a failed unlike of this pair that had landed would have made this one
  // not_liked, so it did not land.
  if (p.maybe) p.maybe->unliked.erase(user);
  --likes_held_;
  change(p, -1, t);
  return true;
}

void Oracle::on_like_failed(PostId post, UserId user) {
  find_or_add(post).maybe_sets().liked.insert(user);
}
void Oracle::on_unlike_failed(PostId post, UserId user) {
  find_or_add(post).maybe_sets().unliked.insert(user);
}

std::int64_t Oracle::truth(PostId post) const {
  const PostTruth* p = find(post);
  return p == nullptr ? 0 : p->count;
}

Oracle::ReadCheck Oracle::on_count_read(PostId post, std::int64_t reported, Time t) const {
  ReadCheck c;
  const PostTruth* found = find(post);
  if (found == nullptr) {
    c.drift = reported;
    if (reported == 0) c.staleness = Duration(0);
    return c;
  }
  const PostTruth& p = *found;
  c.drift = reported - p.count;
  if (reported == p.count) {
    c.staleness = Duration(0);
  } else if (reported >= 0 && static_cast<std::size_t>(reported) < p.left_at.size()) {
    c.staleness = t - Time(p.left_at[static_cast<std::size_t>(reported)]);
  }
  return c;
}

Oracle::FinalCheck Oracle::final_check(PostId post, std::int64_t stored) const {
  FinalCheck f;
  f.stored = stored;
  auto it = posts_.find(post);
  if (it != posts_.end()) {
    f.truth = it->second.count;
    f.low = f.truth - static_cast<std::int64_t>(it->second.maybe_unlikes());
    f.high = f.truth + static_cast<std::int64_t>(it->second.maybe_likes());
  }
  f.lost = std::max<std::int64_t>(0, f.low - stored);
  f.doubled = std::max<std::int64_t>(0, stored - f.high);
  return f;
}

bool Oracle::maybe_liked(PostId post, UserId user) const {
  const PostTruth* p = find(post);
  return p != nullptr && p->maybe && p->maybe->liked.contains(user);
}
bool Oracle::maybe_unliked(PostId post, UserId user) const {
  const PostTruth* p = find(post);
  return p != nullptr && p->maybe && p->maybe->unliked.contains(user);
}

const UserSet* Oracle::likers(PostId post) const {
  const PostTruth* p = find(post);
  return p == nullptr ? nullptr : &p->likers;
}

void Oracle::for_each_maybe_unliked(absl::FunctionRef<void(PostId, UserId)> f) const {
  for (const auto& entry : posts_) {  // clang 14 cannot capture a structured binding
    const PostId post = entry.first;
    if (entry.second.maybe) entry.second.maybe->unliked.for_each([&](UserId u) { f(post, u); });
  }
}

std::vector<PostId> Oracle::posts() const {
  std::vector<PostId> out;
  out.reserve(posts_.size());
  for (const auto& [post, _] : posts_) out.push_back(post);
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t Oracle::memory_bytes() const {
  std::size_t bytes = posts_.capacity() * (sizeof(PostId) + sizeof(PostTruth) + 1);
  for (const auto& [_, p] : posts_) {
    bytes += p.left_at.memory_bytes();
    bytes += p.likers.storage_bytes();
    if (p.maybe) {
      bytes += sizeof(PostTruth::MaybeSets) + p.maybe->liked.storage_bytes() +
               p.maybe->unliked.storage_bytes();
    }
  }
  return bytes;
}

}  // namespace likesim
