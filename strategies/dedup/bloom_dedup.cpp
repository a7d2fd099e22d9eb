#include "strategies/dedup/bloom_dedup.h"

#include "strategies/dedup/like_rows.h"

namespace likesim {

Task<DedupAnswer> BloomDedup::add(PostId post, UserId user) {
  const KvReply maybe = co_await kv_.bf_exists(KeyId::bloom(post), user);
  if (maybe.status != ReplyStatus::ok) co_return DedupAnswer::failed;
  // Either way the row is written: for a "no" it is the durable record of the like, for a
  // "maybe" the primary key decides.
  const DbReply row = co_await db_.run(DbStatement::insert_like(post, user));
  const DedupAnswer answer = answer_of(row.status, row.value);
  if (maybe.value == 1) {
    ++maybes_;
    if (answer == DedupAnswer::changed) ++false_positives_;
  }
  if (answer == DedupAnswer::changed) {
    const KvReply added = co_await kv_.bf_add(KeyId::bloom(post), user);
    (void)added;  // a lost BF.ADD only costs a later "maybe", which the table settles
  }
  co_return answer;
}

Task<DedupAnswer> BloomDedup::remove(PostId post, UserId user) {
  const DbReply r = co_await db_.run(DbStatement::delete_like(post, user));
  co_return answer_of(r.status, r.value);
}

Task<StatusResult> BloomDedup::contains(PostId post, UserId user) {
  const DbReply r = co_await db_.run(DbStatement::like_exists(post, user));
  co_return StatusResult{r.value == 1, r.status == ReplyStatus::ok};
}

void BloomDedup::figures(std::vector<Strategy::Figure>& out) const {
  out.push_back({"bloom_maybe_answers", static_cast<double>(maybes_)});
  out.push_back({"bloom_false_positives", static_cast<double>(false_positives_)});
}

Task<ReplyStatus> BloomDedup::contains_page(PostId first, int n, UserId user, bool* liked) {
  const ReplyStatus status = co_await like_rows_exist(db_, first, n, user, liked);
  co_return status;
}

}  // namespace likesim
