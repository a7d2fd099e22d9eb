// BloomDedup (seed 003, Deep Dive 2): a Bloom filter per post in Redis in front of a
// write-behind likes table. The filter has no false negatives, so its "no" settles a question
// without the table: a like is genuinely new (counted now, its row written behind through
// the log by LikeWriteBehind, never on the request path), an unlike is a 404, a status is
// "not liked". Only a "maybe" (a real like, or a false positive) reads the table.
//
// A like asks with BF.ADD, whose answer is BF.EXISTS's taken atomically with the insert
// (1 = some bit was 0 = never added): one round trip, and of two racing first likes only one
// hears "new". Unlike and status ask BF.EXISTS (they must not set bits).
//
// Races with the write-behind. Every operation takes the pair's turn and first consults the
// rows still pending in the log (like_write_behind.h): a like whose row is not yet in the
// table answers a second like 409, an unlike appends the delete behind it in the same
// partition (so the table sees insert then delete, in order), a status sees it. The table is
// read only when it is current for the pair, so no answer is decided on a stale row. Chosen
// over waiting for the consumers (a "maybe" would cost the log's lag) and needed beside the
// ordered log (order alone does not stop the second like from reading a table without the
// first).
//
// Unlike: the filter cannot delete, so the bits stay; a later like of the pair hears "maybe"
// and the table (current by then) says "not liked", which is counted as a false positive —
// the filter cannot tell a re-like from a hash collision.
//
// A failed BF.ADD or append answers `failed` and counts nothing; a failed append may still
// land and write its row later (the oracle allows a failed like to have landed).
//
// Figures (per operation; a feed page counts each of its posts):
//   bloom_table_reads            reads of the likes table (the "maybe" answers settled there)
//   bloom_table_reads_saved      likes, unlikes and statuses the filter's "no" settled
//   bloom_pending_answers        answered from the write-behind's pending rows (no filter,
//                                no table)
//   bloom_maybe                  the filter's "maybe" answers
//   bloom_false_positives        "maybe" answers for pairs the table showed not liked
//   bloom_false_positive_rate    false positives / negative queries, where a negative query
//                                is a filter question about a pair not liked at that moment
//                                (= false positives + bloom_table_reads_saved); theory for
//                                one post's filter of m bits, k hashes and n likers:
//                                (1 - e^(-k n / m))^k (bloom_bits.h: m = 2^24, k = 7)
//
//   BloomDedup dedup(ctx, /*host_reads_log=*/false);
//   dedup.start();                                 // the write-behind's consumers
//   DedupAnswer a = co_await dedup.add(post, user);
//   co_await dedup.drain();                        // every accepted row in the table
#pragma once

#include <cstdint>

#include "strategies/dedup/dedup.h"
#include "strategies/dedup/like_write_behind.h"

namespace likesim {

class BloomDedup final : public Dedup {
 public:
  // host_reads_log: the host's consumers read the log and apply the rows (async_log).
  BloomDedup(const StrategyContext& ctx, bool host_reads_log)
      : kv_(ctx.kv), db_(ctx.db), rows_(ctx.runtime, ctx.db, ctx.log, !host_reads_log) {}
  Task<DedupAnswer> add(PostId post, UserId user) override;
  Task<DedupAnswer> remove(PostId post, UserId user) override;
  Task<StatusResult> contains(PostId post, UserId user) override;
  Task<ReplyStatus> contains_page(PostId first, int n, UserId user, bool* liked) override;
  void figures(std::vector<Strategy::Figure>& out) const override;

  bool appends_events() const override { return true; }
  void rows_applied(std::span<const LogRecord> records) override { rows_.applied(records); }
  void start() override { rows_.start(); }
  Task<void> drain() override;
  void stop() override { rows_.stop(); }

  const LikeWriteBehind& write_behind() const { return rows_; }

 private:
  // A "maybe" settled by the table: whether the pair has a row; counts the read and a false
  // positive.
  Task<DbReply> confirm(PostId post, UserId user);

  Kv kv_;
  Db db_;
  LikeWriteBehind rows_;
  std::uint64_t saved_ = 0;
  std::uint64_t pending_answers_ = 0;
  std::uint64_t maybes_ = 0;
  std::uint64_t false_positives_ = 0;
};

}  // namespace likesim
