#include "strategies/dedup/like_rows.h"

namespace likesim {

Task<ReplyStatus> like_rows_exist(Db db, PostId first, int n, UserId user, bool* liked) {
  DbBatch reads;
  for (int i = 0; i < n; ++i)
    reads.add(DbStatement::like_exists(first + static_cast<PostId>(i), user));
  const ReplyStatus status = co_await db.read_batch(reads);
  for (int i = 0; i < n; ++i) liked[i] = reads.replies()[static_cast<std::size_t>(i)].value == 1;
  co_return status;
}

}  // namespace likesim
