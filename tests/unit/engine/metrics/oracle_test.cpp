#include "engine/metrics/oracle.h"

#include <gtest/gtest.h>

namespace likesim {
namespace {

TEST(Oracle, FinalCheckCatchesAnInjectedLossAndAnInjectedDoubleCount) {
  Oracle o;
  for (UserId u = 1; u <= 10; ++u) o.on_like_ok(1, u, Time(u * 1000));
  for (UserId u = 1; u <= 5; ++u) o.on_like_ok(2, u, Time(u * 1000));
  // The store lost one like of post 1 and counted one like of post 2 twice.
  const Oracle::FinalCheck lost = o.final_check(1, 9);
  const Oracle::FinalCheck doubled = o.final_check(2, 6);
  EXPECT_EQ(lost.truth, 10);
  EXPECT_EQ(lost.lost, 1);
  EXPECT_EQ(lost.doubled, 0);
  EXPECT_EQ(doubled.lost, 0);
  EXPECT_EQ(doubled.doubled, 1);
  EXPECT_EQ(o.final_check(1, 10).lost + o.final_check(1, 10).doubled, 0);
  EXPECT_EQ(o.posts(), (std::vector<PostId>{1, 2}));
}

TEST(Oracle, DriftAndStalenessAreExactThroughUnlikes) {
  Oracle o;
  o.on_like_ok(7, 1, Time(1s));    // truth 1 from 1 s
  o.on_like_ok(7, 2, Time(2s));    // truth 2 from 2 s
  o.on_like_ok(7, 3, Time(3s));    // truth 3 from 3 s
  o.on_unlike_ok(7, 3, Time(4s));  // truth 2 again from 4 s
  EXPECT_EQ(o.truth(7), 2);
  const Time now(10s);
  auto c = o.on_count_read(7, 2, now);
  EXPECT_EQ(c.drift, 0);
  EXPECT_EQ(c.staleness, Duration(0));
  c = o.on_count_read(7, 3, now);  // 3 was true until 4 s
  EXPECT_EQ(c.drift, 1);
  EXPECT_EQ(c.staleness, Duration(6s));
  c = o.on_count_read(7, 1, now);  // 1 was true until 2 s
  EXPECT_EQ(c.drift, -1);
  EXPECT_EQ(c.staleness, Duration(8s));
  c = o.on_count_read(7, 0, now);  // 0 until the first like at 1 s
  EXPECT_EQ(c.staleness, Duration(9s));
  c = o.on_count_read(7, 5, now);  // never true
  EXPECT_EQ(c.drift, 3);
  EXPECT_FALSE(c.staleness.has_value());
  c = o.on_count_read(99, 0, now);  // an untouched post is 0
  EXPECT_EQ(c.drift, 0);
  EXPECT_EQ(c.staleness, Duration(0));
}

TEST(Oracle, FailedWritesWidenTheBounds) {
  Oracle o;
  o.on_like_ok(3, 1, Time(1s));
  o.on_like_ok(3, 2, Time(1s));
  o.on_like_failed(3, 5);    // may have landed: up to 3
  o.on_unlike_failed(3, 1);  // may have landed: down to 1
  for (std::int64_t stored : {1, 2, 3}) {
    const Oracle::FinalCheck f = o.final_check(3, stored);
    EXPECT_EQ(f.lost + f.doubled, 0) << stored;
  }
  EXPECT_EQ(o.final_check(3, 0).lost, 1);
  EXPECT_EQ(o.final_check(3, 4).doubled, 1);
}

TEST(Oracle, DedupViolationsAreCountedButAFailedLikeThatLandedIsNot) {
  Oracle o;
  EXPECT_TRUE(o.on_like_ok(1, 1, Time(1s)));
  EXPECT_FALSE(o.on_like_ok(1, 1, Time(2s)));    // counted twice: a violation
  EXPECT_FALSE(o.on_unlike_ok(1, 9, Time(2s)));  // never liked: a violation
  EXPECT_EQ(o.dedup_violations(), 2u);
  EXPECT_EQ(o.truth(1), 1);
  o.on_like_failed(1, 4);
  EXPECT_TRUE(o.on_unlike_ok(1, 4, Time(3s)));  // the failed like had landed
  EXPECT_EQ(o.dedup_violations(), 2u);
  EXPECT_EQ(o.truth(1), 1);
  EXPECT_EQ(o.final_check(1, 1).lost + o.final_check(1, 1).doubled, 0);
  EXPECT_EQ(o.final_check(1, 2).doubled, 1);  // the slack went with the landed like
}

}  // namespace
}  // namespace likesim
