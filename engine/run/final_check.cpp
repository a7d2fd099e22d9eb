#include "engine/run/final_check.h"

#include <algorithm>

namespace likesim {
namespace {

const std::vector<UserId> kNoUsers;
const UserSet kNoLikers;

PostCheck check_post(PostId post, const Oracle& oracle, const BackendState& state,
                     const StrategyStorage& storage, const std::vector<UserId>& maybe_unliked) {
  PostCheck c;
  c.post = post;
  c.stored = storage.count(state, post);
  const Oracle::FinalCheck bounds = oracle.final_check(post, c.stored);
  c.truth = bounds.truth;
  c.abs_error = static_cast<std::uint64_t>(bounds.lost + bounds.doubled);
  const std::int64_t maybe_likes = bounds.high - bounds.truth;
  const std::int64_t maybe_unlikes = bounds.truth - bounds.low;

  const UserSet* stored_likers = storage.likers(state, post);
  const UserSet& likers = stored_likers ? *stored_likers : kNoLikers;
  const UserSet* truth_likers = oracle.likers(post);

  // Member by member (word by word where both are bitsets in one order: UserSet).
  const std::uint64_t both = truth_likers ? likers.count_common(*truth_likers) : 0;
  const auto stored_only = [&](UserId u) {
    if (!oracle.maybe_liked(post, u)) ++c.lost_unlikes;
  };
  if (truth_likers) {
    likers.for_each_not_in(*truth_likers, stored_only);
  } else {
    likers.for_each(stored_only);
  }
  std::uint64_t missing = (truth_likers ? truth_likers->size() : 0) - both;
  for (const UserId u : maybe_unliked) {  // a failed unlike may have removed them
    if (missing > 0 && truth_likers && truth_likers->contains(u) && !likers.contains(u)) {
      --missing;
    }
  }
  c.lost_likes = missing;

  // The count against the likers.
  const std::int64_t surplus = c.stored - static_cast<std::int64_t>(likers.size());
  if (surplus > maybe_unlikes)
    c.double_counts = static_cast<std::uint64_t>(surplus - maybe_unlikes);
  if (-surplus > maybe_likes) c.lost_likes += static_cast<std::uint64_t>(-surplus - maybe_likes);
  return c;
}

}  // namespace

FinalFigures check_final_state(const Oracle& oracle, const BackendState& state,
                               StrategyStorage storage, std::vector<PostCheck>* each) {
  storage.index(state);

  absl::flat_hash_map<PostId, std::vector<UserId>> maybe_unliked;
  oracle.for_each_maybe_unliked(
      [&](PostId post, UserId user) { maybe_unliked[post].push_back(user); });

  std::vector<PostId> posts = state.posts();
  const std::vector<PostId> known = oracle.posts();
  posts.insert(posts.end(), known.begin(), known.end());
  std::sort(posts.begin(), posts.end());
  posts.erase(std::unique(posts.begin(), posts.end()), posts.end());

  FinalFigures f;
  for (const PostId post : posts) {
    auto it = maybe_unliked.find(post);
    const PostCheck c =
        check_post(post, oracle, state, storage, it == maybe_unliked.end() ? kNoUsers : it->second);
    ++f.posts_checked;
    f.stored_total += c.stored;
    f.lost_likes += c.lost_likes;
    f.lost_unlikes += c.lost_unlikes;
    f.double_counts += c.double_counts;
    f.abs_error_sum += c.abs_error;
    if (c.wrong()) ++f.posts_wrong;
    if (each) each->push_back(c);
  }
  return f;
}

}  // namespace likesim
