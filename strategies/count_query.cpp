#include "strategies/count_query.h"

namespace likesim {

Task<LikeResult> CountQuery::like(Request r) {
  const DbReply reply = co_await db_.run(DbStatement::insert_like(r.post, r.user));
  if (reply.status != ReplyStatus::ok) co_return LikeResult::failed;
  co_return reply.value == 1 ? LikeResult::ok : LikeResult::already_liked;
}

Task<UnlikeResult> CountQuery::unlike(Request r) {
  const DbReply reply = co_await db_.run(DbStatement::delete_like(r.post, r.user));
  if (reply.status != ReplyStatus::ok) co_return UnlikeResult::failed;
  co_return reply.value == 1 ? UnlikeResult::ok : UnlikeResult::not_liked;
}

Task<CountResult> CountQuery::count(PostId post) {
  const DbReply reply = co_await db_.run(DbStatement::count_likes(post));
  co_return CountResult{reply.value, false, reply.status == ReplyStatus::ok};
}

Task<StatusResult> CountQuery::status(PostId post, UserId user) {
  const DbReply reply = co_await db_.run(DbStatement::like_exists(post, user));
  co_return StatusResult{reply.value == 1, reply.status == ReplyStatus::ok};
}

Task<BatchCountResult> CountQuery::batch_count(Request r) {
  // One round trip for the page: COUNT(*) and EXISTS per post, pipelined.
  DbBatch reads;
  for (int i = 0; i < r.batch; ++i) {
    const PostId post = r.post + static_cast<PostId>(i);
    reads.add(DbStatement::count_likes(post));
    reads.add(DbStatement::like_exists(post, r.user));
  }
  const ReplyStatus status = co_await db_.read_batch(reads);
  BatchCountResult out;
  out.n = r.batch;
  out.ok = status == ReplyStatus::ok;
  for (int i = 0; i < r.batch; ++i) {
    out.counts[i] = reads.replies()[2 * i].value;
    out.liked[i] = reads.replies()[2 * i + 1].value == 1;
  }
  co_return out;
}

}  // namespace likesim
