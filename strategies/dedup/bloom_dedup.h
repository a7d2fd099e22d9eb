// BloomDedup (seed 003): a Bloom filter in Redis answers "definitely new" for almost every
// like of a celebrity post without touching the likes table's index; a "maybe" (a real
// duplicate or a false positive) is settled by the table's primary key. The table stays the
// truth: unlike deletes the row (Bloom bits cannot be removed) and status reads the row.
#pragma once

#include <cstdint>

#include "strategies/dedup/dedup.h"

namespace likesim {

class BloomDedup final : public Dedup {
 public:
  BloomDedup(Kv kv, Db db) : kv_(kv), db_(db) {}
  Task<DedupAnswer> add(PostId post, UserId user) override;
  Task<DedupAnswer> remove(PostId post, UserId user) override;
  Task<StatusResult> contains(PostId post, UserId user) override;
  Task<ReplyStatus> contains_page(PostId first, int n, UserId user, bool* liked) override;
  void figures(std::vector<Strategy::Figure>& out) const override;

 private:
  Kv kv_;
  Db db_;
  std::uint64_t maybes_ = 0;
  // "Maybe" answers the table showed to be new likes. A re-like after an unlike counts too:
  // its bits stayed, and telling it from a hash collision would cost another read.
  std::uint64_t false_positives_ = 0;
};

}  // namespace likesim
