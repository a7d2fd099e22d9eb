// The final check: after the drain, the backends' own state (BackendState, read by the world
// from the servers, never through the strategy) against the oracle's truth, over every post any
// backend holds and every post the oracle knows.
//
// Per post, with C the stored count, L the stored likers (StrategyStorage says where both are
// for the run's configuration), O the oracle's likers and T = |O| the truth:
//   - likers member by member: a user of O missing from L is a lost like, a user of L missing
//     from O a lost unlike (an acknowledged unlike that did not take, or a like that landed on a
//     post nobody liked) — unless a failed write of that pair may have landed;
//   - the count against the likers: C > |L| is a double count (the counter cannot tell an extra
//     increment from a lost decrement), C < |L| a lost like (increments missing), beyond the
//     slack of the post's failed likes (counter below) and failed unlikes (counter above);
//   - net: |C - T| beyond the oracle's bounds goes to abs_error_sum.
// So C - T = (C - |L|) + |L \ O| - |O \ L|: a lost like and a double count on one post no
// longer cancel. report_schema.md says the same for the report's readers.
//
//   FinalFigures f = check_final_state(oracle, state, StrategyStorage(config));
#pragma once

#include "engine/backends/backend_state.h"
#include "engine/metrics/oracle.h"
#include "engine/metrics/run_report.h"
#include "engine/run/strategy_storage.h"

namespace likesim {

// One post's verdict.
struct PostCheck {
  PostId post = 0;
  std::int64_t truth = 0, stored = 0;
  std::uint64_t lost_likes = 0, lost_unlikes = 0, double_counts = 0;
  std::uint64_t abs_error = 0;  // |stored - truth| beyond the bounds
  bool wrong() const { return lost_likes + lost_unlikes + double_counts + abs_error > 0; }
};

// Fills posts_checked,
// stored_total, lost_likes, lost_unlikes, double_counts, posts_wrong and abs_error_sum.
// `each`, when set, sees every post's verdict (tests).
FinalFigures check_final_state(const Oracle& oracle, const BackendState& state,
                               StrategyStorage storage, std::vector<PostCheck>* each = nullptr);

}  // namespace likesim
