#include "engine/backends/sim/postgres_tables.h"

namespace likesim::sim {

void PostgresTables::apply(const PgWrite& w) {
  switch (w.kind) {
    case PgWrite::like_row:
      if (w.value > 0) {
        likes_.try_emplace(w.post, order_).first->second.insert(w.user);
      } else if (auto it = likes_.find(w.post); it != likes_.end()) {
        it->second.erase(w.user);
      }
      break;
    case PgWrite::counter:
      counters_[w.post] += w.value;
      break;
    case PgWrite::offset:
      offsets_[w.post] = w.value;
      break;
  }
}

void PostgresTables::for_each_counter(absl::FunctionRef<void(PostId, std::int64_t)> f) const {
  for (const auto& [post, n] : counters_) f(post, n);
}

void PostgresTables::for_each_likers(absl::FunctionRef<void(PostId, const UserSet&)> f) const {
  for (const auto& [post, likers] : likes_) f(post, likers);
}

bool TxnView::like(PostId post, UserId user) const {
  bool present = tables_->like(post, user);
  for (const PgWrite& w : own_) {
    if (w.kind == PgWrite::like_row && w.post == post && w.user == user) present = w.value > 0;
  }
  return present;
}

std::int64_t TxnView::like_rows(PostId post) const {
  std::int64_t n = tables_->like_rows(post);
  for (const PgWrite& w : own_) {
    if (w.kind == PgWrite::like_row && w.post == post) n += w.value;
  }
  return n;
}

std::int64_t TxnView::counter(PostId post) const {
  std::int64_t n = tables_->counter(post);
  for (const PgWrite& w : own_) {
    if (w.kind == PgWrite::counter && w.post == post) n += w.value;
  }
  return n;
}

std::int64_t TxnView::offset(std::uint32_t partition) const {
  std::int64_t next = tables_->offset(partition);
  for (const PgWrite& w : own_) {
    if (w.kind == PgWrite::offset && w.post == partition) next = w.value;
  }
  return next;
}

}  // namespace likesim::sim
