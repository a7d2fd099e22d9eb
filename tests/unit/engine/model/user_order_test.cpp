// UserOrder: a bijection of user ids that puts the k-th fan at slot k + 1, and the UserSet laid
// out by it: the same members and answers as in id order, in the bitset a burst fills in order.
#include "engine/model/user_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "engine/core/random_stream.h"
#include "engine/model/user_set.h"

namespace likesim {
namespace {

TEST(UserOrder, PutsTheKthFanAtSlotKPlusOneAndLeavesOtherIdsAlone) {
  const UserPermutation fans(3, 1000);
  const UserOrder order = UserOrder::by_rank(fans);
  std::vector<bool> seen(1001);
  for (std::uint32_t k = 0; k < 1000; ++k) {
    const UserId u = fans(k) + 1;
    ASSERT_EQ(order.slot(u), k + 1);
    ASSERT_EQ(order.user(k + 1), u);
    seen[order.slot(u)] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 1000);  // slots 1..1000, once each
  for (const UserId u : {0u, 1001u, 5000000u}) {
    EXPECT_EQ(order.slot(u), u);
    EXPECT_EQ(order.user(u), u);
  }
  EXPECT_TRUE(UserOrder{}.identity());
  EXPECT_EQ(UserOrder{}.slot(77), 77u);
}

TEST(UserOrder, EqualPermutationsShareOneOrder) {
  EXPECT_EQ(UserOrder::by_rank(UserPermutation(5, 100)),
            UserOrder::by_rank(UserPermutation(5, 100)));
  EXPECT_FALSE(UserOrder::by_rank(UserPermutation(5, 100)) ==
               UserOrder::by_rank(UserPermutation(6, 100)));
}

TEST(UserOrder, ASetInFansOrderHoldsWhatAnIdOrderedSetHolds) {
  const UserPermutation fans(11, 100000);
  UserSet ordered(UserOrder::by_rank(fans)), plain;
  std::set<UserId> ref;
  RandomStream rng(2, "user_order");
  // Fans in arrival order with random users' likes, unlikes and ids beyond the range between.
  for (std::uint32_t k = 0; k < 40000; ++k) {
    const UserId fan = fans(k) + 1;
    EXPECT_EQ(ordered.insert(fan), ref.insert(fan).second);
    plain.insert(fan);
    const auto other = static_cast<UserId>(1 + rng.uniform_int(120000));
    if (rng.bernoulli(0.3)) {
      EXPECT_EQ(ordered.erase(other), ref.erase(other) > 0) << other;
      plain.erase(other);
    } else {
      EXPECT_EQ(ordered.insert(other), ref.insert(other).second) << other;
      plain.insert(other);
    }
    ASSERT_EQ(ordered.contains(other), plain.contains(other)) << other;
  }
  ASSERT_EQ(ordered.size(), ref.size());
  std::vector<UserId> members;
  ordered.for_each([&](UserId u) { members.push_back(u); });
  std::sort(members.begin(), members.end());
  EXPECT_EQ(members, std::vector<UserId>(ref.begin(), ref.end()));
  const UserSet copy = ordered;  // a copy keeps the order, so it answers the same
  EXPECT_EQ(copy.order(), ordered.order());
  for (const UserId u : ref) ASSERT_TRUE(copy.contains(u)) << u;
}

TEST(UserOrder, AFansSubsetInTheirOrderIsASmallBitset) {
  // One of 16 dedup shards of a burst: every 16th fan of 16 M among 100 M users. In id order
  // that is a hash set (a bitset would span all 100 M ids); in the fans' order, a bitset of
  // 16 M bits, 2 MB, where the hash set takes ~8 MB.
  const UserPermutation fans(13, 100000000);
  UserSet ordered(UserOrder::by_rank(fans)), plain;
  for (std::uint32_t k = 0; k < 16000000; k += 16) {
    ordered.insert(fans(k) + 1);
    plain.insert(fans(k) + 1);
  }
  EXPECT_TRUE(ordered.dense());
  EXPECT_FALSE(plain.dense());
  EXPECT_LE(ordered.storage_bytes(), 16000000 / 8 * 3 / 2);
  EXPECT_GT(plain.storage_bytes(), 2 * ordered.storage_bytes());
}

}  // namespace
}  // namespace likesim
