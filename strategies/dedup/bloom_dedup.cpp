#include "strategies/dedup/bloom_dedup.h"

#include <array>
#include <cassert>
#include <optional>

namespace likesim {

Task<DbReply> BloomDedup::confirm(PostId post, UserId user) {
  ++maybes_;
  const DbReply row = co_await db_.run(DbStatement::like_exists(post, user));
  if (row.status == ReplyStatus::ok && row.value == 0) ++false_positives_;
  co_return row;
}

Task<DedupAnswer> BloomDedup::add(PostId post, UserId user) {
  const LikeWriteBehind::Turn turn = co_await rows_.turn(post, user);
  const std::optional<bool> pending = rows_.pending(post, user);
  if (pending) {
    ++pending_answers_;
    if (*pending) co_return DedupAnswer::unchanged;
    // A re-like behind a pending unlike: the bits are still set, the log keeps the order.
    const bool appended = co_await rows_.append(post, user, +1);
    co_return appended ? DedupAnswer::changed : DedupAnswer::failed;
  }
  const KvReply added = co_await kv_.bf_add(KeyId::bloom(post), user);
  if (added.status != ReplyStatus::ok) co_return DedupAnswer::failed;
  if (added.value == 1) {
    ++saved_;  // some bit was 0: never liked, so new without asking the table
  } else {
    const DbReply row = co_await confirm(post, user);
    if (row.status != ReplyStatus::ok) co_return DedupAnswer::failed;
    if (row.value == 1) co_return DedupAnswer::unchanged;
  }
  const bool appended = co_await rows_.append(post, user, +1);
  co_return appended ? DedupAnswer::changed : DedupAnswer::failed;
}

Task<DedupAnswer> BloomDedup::remove(PostId post, UserId user) {
  const LikeWriteBehind::Turn turn = co_await rows_.turn(post, user);
  const std::optional<bool> pending = rows_.pending(post, user);
  if (pending) {
    ++pending_answers_;
    if (!*pending) co_return DedupAnswer::unchanged;
  } else {
    const KvReply maybe = co_await kv_.bf_exists(KeyId::bloom(post), user);
    if (maybe.status != ReplyStatus::ok) co_return DedupAnswer::failed;
    if (maybe.value == 0) {
      ++saved_;  // never liked: a 404 without the table
      co_return DedupAnswer::unchanged;
    }
    const DbReply row = co_await confirm(post, user);
    if (row.status != ReplyStatus::ok) co_return DedupAnswer::failed;
    if (row.value == 0) co_return DedupAnswer::unchanged;
  }
  // The delete goes behind the like's insert in the same partition.
  const bool appended = co_await rows_.append(post, user, -1);
  co_return appended ? DedupAnswer::changed : DedupAnswer::failed;
}

Task<StatusResult> BloomDedup::contains(PostId post, UserId user) {
  const LikeWriteBehind::Turn turn = co_await rows_.turn(post, user);
  const std::optional<bool> pending = rows_.pending(post, user);
  if (pending) {
    ++pending_answers_;
    co_return StatusResult{*pending, true};
  }
  const KvReply maybe = co_await kv_.bf_exists(KeyId::bloom(post), user);
  if (maybe.status != ReplyStatus::ok) co_return StatusResult{false, false};
  if (maybe.value == 0) {
    ++saved_;
    co_return StatusResult{false, true};
  }
  const DbReply row = co_await confirm(post, user);
  co_return StatusResult{row.value == 1, row.status == ReplyStatus::ok};
}

Task<ReplyStatus> BloomDedup::contains_page(PostId first, int n, UserId user, bool* liked) {
  assert(n >= 0 && n <= kMaxBatchPosts);
  // Turns in ascending post order: two pages of one user never wait for each other in a cycle,
  // and every other operation holds one turn only.
  std::array<LikeWriteBehind::Turn, kMaxBatchPosts> turns;
  for (int i = 0; i < n; ++i) {
    LikeWriteBehind::Turn t = co_await rows_.turn(first + static_cast<PostId>(i), user);
    turns[static_cast<std::size_t>(i)] = std::move(t);
  }
  // Pending rows answer at once; the filter is asked about the rest in one pipeline, and the
  // table about its "maybe" answers in one read batch.
  KvBatch filter;
  std::array<int, kMaxBatchPosts> asked{};  // filter command i is about post first + asked[i]
  for (int i = 0; i < n; ++i) {
    const PostId post = first + static_cast<PostId>(i);
    const std::optional<bool> pending = rows_.pending(post, user);
    liked[i] = pending.value_or(false);
    if (pending) {
      ++pending_answers_;
      continue;
    }
    asked[filter.size()] = i;
    filter.add({KeyId::bloom(post), {}, user, KvVerb::bf_exists});
  }
  const ReplyStatus filtered = co_await kv_.pipeline(filter);
  if (filtered != ReplyStatus::ok) co_return filtered;
  DbBatch table;
  std::array<int, kMaxBatchPosts> confirmed{};  // table read j is about post first + confirmed[j]
  for (std::size_t c = 0; c < filter.size(); ++c) {
    const PostId post = first + static_cast<PostId>(asked[c]);
    if (filter.replies()[c].value == 0) {
      ++saved_;
      continue;
    }
    ++maybes_;
    confirmed[table.size()] = asked[c];
    table.add(DbStatement::like_exists(post, user));
  }
  const ReplyStatus read = co_await db_.read_batch(table);
  for (std::size_t j = 0; j < table.size(); ++j) {
    const bool row = table.replies()[j].value == 1;
    liked[confirmed[j]] = row;
    if (read == ReplyStatus::ok && !row) ++false_positives_;
  }
  co_return read;
}

Task<void> BloomDedup::drain() { co_await rows_.drain(); }

void BloomDedup::figures(std::vector<Strategy::Figure>& out) const {
  // Every "maybe" is settled by one read of the table.
  out.push_back({"bloom_table_reads", static_cast<double>(maybes_)});
  out.push_back({"bloom_table_reads_saved", static_cast<double>(saved_)});
  out.push_back({"bloom_pending_answers", static_cast<double>(pending_answers_)});
  out.push_back({"bloom_maybe", static_cast<double>(maybes_)});
  out.push_back({"bloom_false_positives", static_cast<double>(false_positives_)});
  const std::uint64_t negatives = false_positives_ + saved_;
  out.push_back({"bloom_false_positive_rate",
                 negatives == 0
                     ? 0.0
                     : static_cast<double>(false_positives_) / static_cast<double>(negatives)});
  rows_.figures(out);
}

}  // namespace likesim
