// AnswerCheck: is each answer of a strategy true at the moment it was given?
//
// A like answered already_liked when the pair was not liked, a like answered ok when it was
// (also a dedup violation), an unlike answered not_liked when liked (ok when not liked), a
// status, and each `liked` flag of a feed page, that disagrees with the oracle's truth: each is
// a wrong answer of its operation.
//
// Concurrency makes no false alarm: an answer about a (post, user) pair is accepted either way
// when another write of that pair was in flight at any moment between this request's send and
// its answer (the truth moved under it), or when a failed write of the pair may have landed
// (the oracle's maybe sets). The bookkeeping is O(requests in flight): a pair is tracked only
// while a request about it is in flight. Each send and each write's end takes the next number
// of one sequence; a pair remembers when its last write ended and how many are in flight. A
// write overlapped a request sent at s iff one is in flight at the answer or the last one ended
// after s.
//
// Most pairs never have two requests in flight at once (a fan likes a post once), and such a
// pair's answer is settled by nothing but the oracle: the only request about it is the one
// answering. So a pair is first only a bit: "one request in flight", and whether it writes.
// A second request while one is in flight makes it a shared pair with the full state above,
// kept until nothing about it is in flight. The bits live in blocks of 64 slots of a post
// (order_users: the user's slot in the workload's order), so a burst's fans, sent and
// answered in order, share a block 64 at a time: ~130 k pairs in flight under a saturated
// server take ~100 KB, which stays in the cache, where an entry per 8 pairs took ~3 MB and did
// not (celebrity count_query and single_counter_redis 9-10 % faster).
//
//   const std::uint64_t sent = answers.on_send(r);
//   LikeResult res = co_await strategy.like(r);
//   if (answers.like_wrong(r, sent, res, oracle)) ++wrong;   // before the oracle applies it
//   answers.on_answer(r);
#pragma once

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "engine/metrics/oracle.h"
#include "engine/model/request.h"
#include "engine/model/results.h"
#include "engine/model/user_order.h"

namespace likesim {

class AnswerCheck {
 public:
  // The order the workload's fans come in, before the first send (see above).
  void order_users(UserOrder order) { order_ = order; }
  // Registers the request's pairs (a page's: one per post); returns its send number.
  std::uint64_t on_send(const Request& r);
  // Unregisters them; a write's end is recorded. Call after judging the answer.
  void on_answer(const Request& r);

  // Whether the answer contradicts the truth. Judge before the oracle applies the answer.
  bool like_wrong(const Request& r, std::uint64_t sent, LikeResult res, const Oracle& o) const;
  bool unlike_wrong(const Request& r, std::uint64_t sent, UnlikeResult res, const Oracle& o) const;
  bool status_wrong(const Request& r, std::uint64_t sent, const StatusResult& res,
                    const Oracle& o) const;
  bool page_wrong(const Request& r, std::uint64_t sent, const BatchCountResult& res,
                  const Oracle& o) const;

  // Pairs tracked now (for tests: 0 once nothing is in flight).
  std::size_t pairs_tracked() const { return tracked_; }

 private:
  // A pair that has had two requests in flight at once, until none is.
  struct SharedPair {
    std::uint32_t requests = 0;        // in flight about this pair
    std::uint32_t writes = 0;          // likes/unlikes of it in flight
    std::uint64_t last_write_end = 0;  // sequence number
  };
  // 64 consecutive slots of a post: which have a request in flight, and for those with one
  // alone, whether it writes.
  struct Block {
    std::uint64_t flying = 0;
    std::uint64_t writing = 0;
  };
  // The answer about the pair may go either way.
  bool unsettled(PostId post, UserId user, std::uint64_t sent, bool self_is_write,
                 const Oracle& o) const;
  bool wrong(const Request& r, std::uint64_t sent, bool answered_liked, bool self_is_write,
             const Oracle& o) const;
  void enter(PostId post, UserId user, bool write);
  void leave(PostId post, UserId user, bool write);
  // A pair's key: its post and the user's slot. Its bits are in block key / 64.
  std::uint64_t key(PostId post, UserId user) const { return pack_like(post, order_.slot(user)); }

  absl::flat_hash_map<std::uint64_t, Block> blocks_;  // by key / 64; only non-empty blocks
  absl::flat_hash_map<std::uint64_t, SharedPair> shared_;  // by key
  std::size_t tracked_ = 0;
  std::uint64_t seq_ = 0;
  UserOrder order_;
};

}  // namespace likesim
