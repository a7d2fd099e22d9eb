#include "workloads/recent_likes.h"

#include <gtest/gtest.h>

#include <set>

namespace likesim {
namespace {

TEST(RecentLikes, TakesOnlyWhatWasAddedOnce) {
  RecentLikes recent(8);
  RandomStream rng(1, "test");
  std::set<std::pair<PostId, UserId>> added;
  for (UserId u = 1; u <= 5; ++u) {
    recent.add(10, u);
    added.insert({10, u});
  }
  PostId p;
  UserId u;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(recent.take_random(rng, p, u));
    ASSERT_EQ(added.erase({p, u}), 1u);
  }
  EXPECT_FALSE(recent.take_random(rng, p, u));
}

TEST(RecentLikes, DropsTheOldestWhenFull) {
  RecentLikes recent(4);
  RandomStream rng(1, "test");
  for (UserId u = 1; u <= 10; ++u) recent.add(1, u);
  EXPECT_EQ(recent.size(), 4u);
  std::set<UserId> left;
  PostId p;
  UserId u;
  while (recent.take_random(rng, p, u)) left.insert(u);
  EXPECT_EQ(left, (std::set<UserId>{7, 8, 9, 10}));
}

TEST(RecentLikes, InterleavedAddAndTakeKeepsTheSet) {
  RecentLikes recent(16);
  RandomStream rng(3, "test");
  std::multiset<UserId> in;
  UserId next = 1;
  for (int i = 0; i < 10000; ++i) {
    if (rng.bernoulli(0.5)) {
      if (in.size() == 16) continue;  // stay below capacity: nothing is dropped
      recent.add(1, next);
      in.insert(next++);
    } else {
      PostId p;
      UserId u;
      const bool got = recent.take_random(rng, p, u);
      ASSERT_EQ(got, !in.empty());
      if (got) {
        ASSERT_EQ(in.erase(u), 1u);
      }
    }
    ASSERT_EQ(recent.size(), in.size());
  }
}

}  // namespace
}  // namespace likesim
