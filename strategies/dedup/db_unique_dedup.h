// DbUniqueDedup: the likes table's primary key refuses a second like
// (INSERT ... ON CONFLICT DO NOTHING inserts 0 rows). Exact and durable; one DB write per like.
#pragma once

#include "strategies/dedup/dedup.h"

namespace likesim {

class DbUniqueDedup final : public Dedup {
 public:
  explicit DbUniqueDedup(Db db) : db_(db) {}
  Task<DedupAnswer> add(PostId post, UserId user) override;
  Task<DedupAnswer> remove(PostId post, UserId user) override;
  Task<StatusResult> contains(PostId post, UserId user) override;
  Task<ReplyStatus> contains_page(PostId first, int n, UserId user, bool* liked) override;

 private:
  Db db_;
};

}  // namespace likesim
