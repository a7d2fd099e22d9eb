#include "strategies/dedup/db_unique_dedup.h"

#include "strategies/dedup/like_rows.h"

namespace likesim {

Task<DedupAnswer> DbUniqueDedup::add(PostId post, UserId user) {
  const DbReply r = co_await db_.run(DbStatement::insert_like(post, user));
  co_return answer_of(r.status, r.value);
}

Task<DedupAnswer> DbUniqueDedup::remove(PostId post, UserId user) {
  const DbReply r = co_await db_.run(DbStatement::delete_like(post, user));
  co_return answer_of(r.status, r.value);
}

Task<StatusResult> DbUniqueDedup::contains(PostId post, UserId user) {
  const DbReply r = co_await db_.run(DbStatement::like_exists(post, user));
  co_return StatusResult{r.value == 1, r.status == ReplyStatus::ok};
}

Task<ReplyStatus> DbUniqueDedup::contains_page(PostId first, int n, UserId user, bool* liked) {
  const ReplyStatus status = co_await like_rows_exist(db_, first, n, user, liked);
  co_return status;
}

}  // namespace likesim
