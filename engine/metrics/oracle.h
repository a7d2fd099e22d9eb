// Oracle: the ground truth of a run — every like and unlike the strategy acknowledged, applied
// at its acknowledgement time (DESIGN.md §4).
//
// For each count read it gives drift (reported - true) and staleness (how long ago the truth
// last equalled the reported value). After the drain, final_check() compares a post's stored
// count with the truth: lost likes and double counts, exactly. A failed (timed-out) write may
// or may not have landed, so the truth becomes a range, as in Jepsen's counter checker.
//
//   oracle.on_like_ok(post, user, now);              // acknowledged
//   auto c = oracle.on_count_read(post, 41, now);    // c.drift, c.staleness
//   auto f = oracle.final_check(post, stored);       // f.lost, f.doubled
//
// Staleness. The truth of a post moves one step at a time (+1 like, -1 unlike), so every value
// from 0 up to the highest count it ever left has been true. Per post, left_at[v] is the last
// time the truth moved away from v; a read of v at time t has staleness 0 if the truth is v
// now, else t - left_at[v]. Unlikes need no special case: when the count goes 5 -> 4 -> 5 -> 6,
// the second departure from 5 overwrites the first, and that is "the last time the truth
// equalled 5". A value never reached (above every count so far, or negative) gives nullopt.
//
// Bounds. A failed like (unlike) may have landed: the post's high (low) bound moves by one, once
// per pair. If the strategy later accepts an unlike (like) of that pair, which only makes sense
// if the failed write landed, the slack goes and the truth records both writes at that instant
// (no dedup violation). If it later accepts a like (unlike) of the same pair, the failed one
// did not land (it would have been answered already_liked / not_liked), and the slack goes too.
//
// Memory (DESIGN.md §9): a like costs one 4-byte slot in its post's set of likers (~5-10 bytes
// with its control byte and spare capacity) while the set is small; a large post's likers,
// and its users whose likes failed, are bitsets (UserSet: 18 M likers among 100 M users take
// 0.7 bytes each), kept in the order the workload's fans come (order_users: UserOrder) so that
// a burst's likes set neighbouring bits. Plus ~4 bytes in the post's staleness index
// (DepartureTimes) (bench/exact_state_bench.cpp, bench/oracle_bench.cpp).
// Acknowledgement times must not decrease. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "engine/core/hot_entry.h"
#include "engine/core/sim_time.h"
#include "engine/metrics/departure_times.h"
#include "engine/model/ids.h"
#include "engine/model/user_set.h"

namespace likesim {

class Oracle {
 public:
  // The order the likers' sets keep their users in, before the first like: where a bit lives,
  // never what the truth is.
  void order_users(UserOrder order) { order_ = order; }

  // An acknowledged like/unlike changes the truth. Returns false, changing nothing and counting
  // a dedup violation, when the user had already liked (like) or had not liked (unlike) the
  // post: the strategy let a duplicate through.
  bool on_like_ok(PostId post, UserId user, Time t);
  bool on_unlike_ok(PostId post, UserId user, Time t);
  // A like/unlike that failed: it may or may not have landed; the post's bounds widen by one.
  void on_like_failed(PostId post, UserId user);
  void on_unlike_failed(PostId post, UserId user);

  struct ReadCheck {
    std::int64_t drift = 0;
    // 0 when the truth equals the reported value now; nullopt when the truth never had it.
    std::optional<Duration> staleness;
  };
  ReadCheck on_count_read(PostId post, std::int64_t reported, Time t) const;

  // Starts loading the post's entry: a hint for a request about it that comes next.
  void prefetch(PostId post) const { posts_.prefetch(post); }

  std::int64_t truth(PostId post) const;
  bool liked(PostId post, UserId user) const;

  struct FinalCheck {
    std::int64_t truth = 0, stored = 0, low = 0, high = 0, lost = 0, doubled = 0;
  };
  // lost = max(0, low - stored), doubled = max(0, stored - high), where low/high are the truth
  // minus failed unlikes / plus failed likes (either may have landed).
  FinalCheck final_check(PostId post, std::int64_t stored) const;

  // Whether a failed like (unlike) of the pair may have landed: no answer about the pair, and
  // no stored state of it, can be judged wrong.
  bool maybe_liked(PostId post, UserId user) const;
  bool maybe_unliked(PostId post, UserId user) const;
  // The users who like `post` now (null when the truth never saw it).
  const UserSet* likers(PostId post) const;
  // Every pair whose failed unlike may have landed, in no particular order.
  void for_each_maybe_unliked(absl::FunctionRef<void(PostId, UserId)> f) const;

  // Every post the truth or a failure touched, ascending.
  std::vector<PostId> posts() const;
  std::uint64_t dedup_violations() const { return dedup_violations_; }
  std::uint64_t likes_held() const { return likes_held_; }
  std::size_t memory_bytes() const;

 private:
  struct PostTruth {
    explicit PostTruth(UserOrder order) : likers(order) {}
    std::int64_t count = 0;
    // left_at[v]: virtual time (ns) when the truth last moved away from value v. Its size is
    // the highest value ever left: every entry is set, since the truth moves in steps of one.
    DepartureTimes left_at;
    UserSet likers;
    // Users whose like (unlike) failed and may have landed: a later unlike (like) of the pair
    // that the strategy accepts proves it did, and is no dedup violation. Made at a post's
    // first failure: most posts never have one.
    struct MaybeSets {
      UserSet liked, unliked;
    };
    std::unique_ptr<MaybeSets> maybe;
    std::size_t maybe_likes() const { return maybe ? maybe->liked.size() : 0; }
    std::size_t maybe_unlikes() const { return maybe ? maybe->unliked.size() : 0; }
    MaybeSets& maybe_sets() {
      if (!maybe) {
        maybe = std::make_unique<MaybeSets>(
            MaybeSets{UserSet(likers.order()), UserSet(likers.order())});
      }
      return *maybe;
    }
  };
  void change(PostTruth& p, std::int64_t delta, Time t);
  // posts_'s entry of the post, through last_ (null: none).
  const PostTruth* find(PostId post) const;
  PostTruth& find_or_add(PostId post);

  absl::flat_hash_map<PostId, PostTruth> posts_;
  // The post looked up last (HotEntry): most requests of a run are about the post before.
  // posts_ only grows in find_or_add, which sets it again.
  mutable HotEntry<PostId, PostTruth> last_;
  std::uint64_t dedup_violations_ = 0;
  std::uint64_t likes_held_ = 0;
  UserOrder order_;
};

}  // namespace likesim
