#include "workloads/celebrity_workload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "workloads/workload.h"

namespace likesim {
namespace {

WorkloadConfig celebrity() {
  WorkloadConfig c;
  c.kind = "celebrity";
  c.steady.writes_per_s = 500;
  c.steady.reads_per_s = 2000;
  c.steady.posts = 1000;
  c.steady.users = 10000000;
  c.celebrity.start_s = 2;
  c.celebrity.ramp_s = 4;
  c.celebrity.hold_s = 10;
  c.celebrity.decay_s = 3;
  c.celebrity.peak_likes_per_s = 20000;
  c.celebrity.reads_per_like = 0.5;
  return c;
}

TEST(CelebrityWorkload, MergedStreamIsOrderedWithIncreasingIds) {
  const WorkloadConfig c = celebrity();
  CelebrityWorkload w(c.steady, c.celebrity, 1, 30s);
  Request r, prev;
  bool first = true;
  std::uint64_t n = 0;
  while (w.next(r)) {
    if (!first) {
      ASSERT_LE(prev.intended, r.intended);
      ASSERT_EQ(r.id, prev.id + 1);
    } else {
      EXPECT_EQ(r.id, 1u);
    }
    first = false;
    prev = r;
    ++n;
  }
  EXPECT_LT(prev.intended, Time(30s));
  EXPECT_GT(n, 300000u);
}

TEST(CelebrityWorkload, HotLikesFollowTheProfileFromDistinctUsers) {
  const WorkloadConfig c = celebrity();
  CelebrityWorkload w(c.steady, c.celebrity, 2, 40s);
  EXPECT_EQ(w.hot_post(), 1001u);
  absl::flat_hash_set<UserId> fans;
  std::uint64_t likes = 0, reads = 0, before_start = 0, in_hold = 0;
  Request r;
  while (w.next(r)) {
    if (r.post != w.hot_post()) continue;
    if (r.intended < Time(2s)) ++before_start;
    if (r.op == Op::like) {
      ++likes;
      ASSERT_TRUE(fans.insert(r.user).second) << "user " << r.user << " liked twice";
      ASSERT_GE(r.user, 1u);
      ASSERT_LE(r.user, c.steady.users);
      if (r.intended >= Time(6s) && r.intended < Time(16s)) ++in_hold;
    } else {
      ASSERT_EQ(r.op, Op::count);
      ++reads;
    }
  }
  EXPECT_EQ(before_start, 0u);
  // Expected likes: ramp 20000*4/2 + hold 20000*10 + decay 20000*3*(1 - e^-(40-16)/3).
  const double expected = 40000 + 200000 + 60000 * (1 - std::exp(-8.0));
  EXPECT_NEAR(static_cast<double>(likes), expected, expected * 0.01);
  EXPECT_NEAR(static_cast<double>(in_hold), 200000, 200000 * 0.01);
  EXPECT_NEAR(static_cast<double>(reads), expected * 0.5, expected * 0.5 * 0.02);
}

// The sets that hold likers are laid out by this order: if it were not the order the fans come
// in, every like would set a random bit again (the reports would not change; the speed would).
TEST(CelebrityWorkload, ItsUserOrderIsTheOrderItsFansCome) {
  WorkloadConfig c = celebrity();
  c.retry_fraction = 0.1;  // wrapped: the injectors pass the order on
  c.churn.fraction = 0.1;
  std::unique_ptr<Workload> w = make_workload(c, 3, 20s);
  const UserOrder order = w->user_order();
  ASSERT_FALSE(order.identity());
  absl::flat_hash_set<UserId> seen;
  std::uint32_t fans = 0;
  Request r;
  while (w->next(r)) {
    if (r.post != 1001 || r.op != Op::like || !seen.insert(r.user).second) continue;
    ASSERT_EQ(order.slot(r.user), ++fans) << r.user;
  }
  EXPECT_GT(fans, 100000u);
}

TEST(CelebrityWorkload, OfferedRateIsBackgroundPlusBurst) {
  const WorkloadConfig c = celebrity();
  CelebrityWorkload w(c.steady, c.celebrity, 1, 30s);
  EXPECT_DOUBLE_EQ(w.offered_rate_at(Time(1s)), 2500);
  EXPECT_DOUBLE_EQ(w.offered_rate_at(Time(4s)), 2500 + 1.5 * 10000);
  EXPECT_DOUBLE_EQ(w.offered_rate_at(Time(10s)), 2500 + 1.5 * 20000);
  EXPECT_NEAR(w.offered_rate_at(Time(19s)), 2500 + 1.5 * 20000 * std::exp(-1.0), 1e-6);
  EXPECT_DOUBLE_EQ(w.write_rate_at(Time(10s)), 500 + 20000);
}

TEST(CelebrityWorkload, BackgroundIsTheSteadyStream) {
  const WorkloadConfig c = celebrity();
  CelebrityWorkload w(c.steady, c.celebrity, 5, 10s);
  SteadyWorkload s(c.steady, 5, 10s);
  Request a, b;
  while (w.next(a)) {
    if (a.post == w.hot_post()) continue;
    ASSERT_TRUE(s.next(b));
    ASSERT_EQ(a.intended, b.intended);
    ASSERT_EQ(a.post, b.post);
    ASSERT_EQ(a.user, b.user);
    ASSERT_EQ(a.op, b.op);
  }
  EXPECT_FALSE(s.next(b));
}

TEST(CelebrityWorkload, DeterministicFromSeedAndConfiguredHotPost) {
  WorkloadConfig c = celebrity();
  c.celebrity.post = 7;
  auto a = make_workload(c, 9, 8s), b = make_workload(c, 9, 8s), d = make_workload(c, 10, 8s);
  Request ra, rb, rd;
  std::uint64_t n = 0, differ = 0, hot = 0;
  while (a->next(ra)) {
    ASSERT_TRUE(b->next(rb));
    ASSERT_EQ(ra.intended, rb.intended);
    ASSERT_EQ(ra.id, rb.id);
    ASSERT_EQ(ra.post, rb.post);
    ASSERT_EQ(ra.user, rb.user);
    ASSERT_EQ(ra.op, rb.op);
    if (d->next(rd)) differ += ra.intended != rd.intended || ra.user != rd.user;
    hot += ra.post == 7;
    ++n;
  }
  EXPECT_FALSE(b->next(rb));
  EXPECT_GT(differ, n / 2);
  EXPECT_GT(hot, 50000u);
}

}  // namespace
}  // namespace likesim
