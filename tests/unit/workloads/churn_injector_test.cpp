// Churn (workload.churn): likes undone within seconds and liked again, by the same user on the
// same post, merged in time order with fresh ids.
#include "workloads/churn_injector.h"

#include <gtest/gtest.h>

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "workloads/workload.h"

namespace likesim {
namespace {

WorkloadConfig churning(double fraction, double relike) {
  WorkloadConfig c;
  c.steady.writes_per_s = 4000;
  c.steady.reads_per_s = 1000;
  c.steady.posts = 200;
  c.steady.users = 1'000'000'000;  // (post, user) pairs practically never repeat by chance
  c.steady.unlike_fraction = 0;    // every unlike below is churn
  c.churn.fraction = fraction;
  c.churn.unlike_after_s = 0.5;
  c.churn.relike_fraction = relike;
  c.churn.relike_after_s = 0.25;
  return c;
}

TEST(ChurnInjector, EachChurnedLikeIsFollowedByItsUnlikeThenARelike) {
  auto w = make_workload(churning(0.2, 0.5), 4, 20s);
  // Per (post, user): the times of its like, unlike, relike, in stream order.
  absl::flat_hash_map<std::uint64_t, std::vector<std::pair<Op, Time>>> pairs;
  RequestId last_id = 0;
  Time last{0};
  std::uint64_t likes = 0, unlikes = 0, relikes = 0;
  double unlike_delay_s = 0;  // of likes made before 15 s (later ones lose their long delays)
  std::uint64_t early_unlikes = 0;
  Request r;
  while (w->next(r)) {
    ASSERT_LE(last, r.intended);
    last = r.intended;
    ASSERT_EQ(r.id, last_id + 1);  // fresh ids over the merged stream
    last_id = r.id;
    if (r.op != Op::like && r.op != Op::unlike) continue;
    auto& history = pairs[pack_like(r.post, r.user)];
    if (r.op == Op::unlike) {
      // An unlike always follows a like of the same user and post.
      ASSERT_FALSE(history.empty());
      ASSERT_EQ(history.back().first, Op::like);
      ++unlikes;
      if (history.back().second < Time(15s)) {
        ++early_unlikes;
        unlike_delay_s += to_seconds(r.intended - history.back().second);
      }
    } else if (!history.empty()) {
      ASSERT_EQ(history.back().first, Op::unlike);  // a relike follows its unlike
      ++relikes;
    } else {
      ++likes;
    }
    history.emplace_back(r.op, r.intended);
  }
  ASSERT_GT(likes, 50000u);
  EXPECT_NEAR(static_cast<double>(unlikes) / static_cast<double>(likes), 0.2, 0.01);
  EXPECT_NEAR(static_cast<double>(relikes) / static_cast<double>(unlikes), 0.5, 0.02);
  EXPECT_NEAR(unlike_delay_s / static_cast<double>(early_unlikes), 0.5, 0.02);
  auto* churn = dynamic_cast<ChurnInjector*>(w.get());
  ASSERT_NE(churn, nullptr);
  EXPECT_EQ(churn->unlikes_made(), unlikes);
  EXPECT_EQ(churn->relikes_made(), relikes);
}

TEST(ChurnInjector, TheInnerStreamIsUnchangedAndRetriesKeepTheirIds) {
  // Without churn the stream is the plain one; with it, the plain requests appear in the same
  // order with the follow-ups between them.
  auto plain = make_workload(churning(0, 1), 8, 5s);
  WorkloadConfig c = churning(0.3, 1);
  c.retry_fraction = 0.1;  // RetryInjector wraps the churned stream: resends reuse its ids
  auto churned = make_workload(c, 8, 5s);
  std::vector<Request> base;
  Request r;
  while (plain->next(r)) base.push_back(r);
  std::size_t i = 0;
  absl::flat_hash_map<RequestId, Request> seen;
  while (churned->next(r)) {
    if (r.retry) {
      auto it = seen.find(r.id);
      ASSERT_NE(it, seen.end());
      EXPECT_EQ(it->second.post, r.post);
      EXPECT_EQ(it->second.user, r.user);
      EXPECT_EQ(it->second.op, r.op);
      continue;
    }
    ASSERT_TRUE(seen.emplace(r.id, r).second) << "id " << r.id << " used twice";
    if (i < base.size() && r.intended == base[i].intended && r.post == base[i].post &&
        r.user == base[i].user && r.op == base[i].op) {
      ++i;
    }
  }
  EXPECT_EQ(i, base.size());  // every plain request, in order
}

TEST(ChurnInjector, FollowUpsAfterTheEndAreDropped) {
  WorkloadConfig c = churning(1, 1);
  c.churn.unlike_after_s = 100;  // almost all after a 2 s run
  auto w = make_workload(c, 2, 2s);
  Request r;
  while (w->next(r)) ASSERT_LT(r.intended, Time(2s));
}

}  // namespace
}  // namespace likesim
