// UserSet against std::set, member by member, through its promotion to a bitset, ids far
// beyond the bitset's end, and the bitset's growth past them.
#include "engine/model/user_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "engine/core/random_stream.h"

namespace likesim {
namespace {

void expect_same(const UserSet& s, const std::set<UserId>& ref) {
  ASSERT_EQ(s.size(), ref.size());
  std::vector<UserId> members;
  s.for_each([&](UserId u) { members.push_back(u); });
  std::sort(members.begin(), members.end());
  EXPECT_EQ(members, std::vector<UserId>(ref.begin(), ref.end()));
  for (const UserId u : ref) ASSERT_TRUE(s.contains(u)) << u;
}

TEST(UserSet, SmallSetsStayHashSets) {
  UserSet s;
  for (UserId u = 1; u < UserSet::kMinDense; ++u) EXPECT_TRUE(s.insert(u * 1000));
  EXPECT_FALSE(s.insert(1000));
  EXPECT_FALSE(s.dense());
  EXPECT_TRUE(s.erase(1000));
  EXPECT_FALSE(s.erase(1000));
  EXPECT_FALSE(s.contains(1000));
  EXPECT_EQ(s.size(), UserSet::kMinDense - 2);
}

TEST(UserSet, ADenseSetBecomesABitsetAndStaysExact) {
  RandomStream rng(1, "user_set");
  UserSet s;
  std::set<UserId> ref;
  // 20,000 likers among 100,000 users, with unlikes between.
  for (int i = 0; i < 60000; ++i) {
    const auto u = static_cast<UserId>(1 + rng.uniform_int(100000));
    if (rng.bernoulli(0.2)) {
      EXPECT_EQ(s.erase(u), ref.erase(u) > 0);
    } else {
      EXPECT_EQ(s.insert(u), ref.insert(u).second);
    }
  }
  EXPECT_TRUE(s.dense());
  expect_same(s, ref);
  // One bit per id up to the largest: 12.5 kB, against ~6 bytes a member as a hash set.
  EXPECT_LT(s.storage_bytes(), 100000 / 8 * 2);
  EXPECT_LT(s.storage_bytes(), ref.size() * 2);
}

TEST(UserSet, IdsFarBeyondTheBitsetStayOutsideUntilItGrowsToThem) {
  UserSet s;
  std::set<UserId> ref;
  const auto add = [&](UserId u) { EXPECT_EQ(s.insert(u), ref.insert(u).second) << u; };
  for (UserId u = 1; u <= 8192; ++u) add(u);
  ASSERT_TRUE(s.dense());
  // Bits for ids up to 1.4 M would cost 175 kB, over 16 bytes for each of 8,192 members, and a
  // stray id near 2^32 512 MB: they are kept apart.
  for (const UserId far : {1'400'000u, 4'000'000'000u, 4'294'967'295u}) add(far);
  EXPECT_LT(s.storage_bytes(), 8192 * 16);
  expect_same(s, ref);
  // At 20,000 members the bitset may grow to 1.5 M: 1.4 M moves in, and is found there.
  for (UserId u = 8193; u <= 20000; ++u) add(u);
  add(1'500'000u);
  expect_same(s, ref);
  EXPECT_FALSE(s.insert(1'400'000u));
  EXPECT_TRUE(s.erase(1'400'000u));
  EXPECT_FALSE(s.contains(1'400'000u));
  EXPECT_TRUE(s.erase(4'294'967'295u));
  ref.erase(1'400'000u);
  ref.erase(4'294'967'295u);
  expect_same(s, ref);
}

// merge, count_common and for_each_not_in against std::set, for sets small and dense, with
// members beyond a bitset's end, in one order and in two (the word-by-word path and the
// member-by-member one).
TEST(UserSet, WholeSetOperationsAgreeWithStdSet) {
  // Members are the first fans of a post (users fan(k) + 1): dense in the fans' order, spread
  // out in the others.
  const UserPermutation fan(5, 3'000'000);
  const UserOrder fans = UserOrder::by_rank(fan);
  const UserOrder other_fans = UserOrder::by_rank(UserPermutation(6, 3'000'000));
  RandomStream rng(11, "user-set-whole");
  struct Shape {
    std::size_t members;
    std::uint32_t range;  // ids from 1..range
    bool far;             // plus a few ids far beyond
  };
  const Shape shapes[] = {{0, 1, false},       {50, 100000, false},  {6000, 20000, false},
                          {9000, 60000, true}, {40000, 50000, true}, {3000, 2'900'000, false}};
  int cases = 0, both_dense = 0;
  for (const Shape& a : shapes) {
    for (const Shape& b : shapes) {
      for (const UserOrder& b_order : {fans, other_fans, UserOrder{}}) {
        UserSet x(fans), y(b_order);
        std::set<UserId> rx, ry;
        const auto fill = [&](UserSet& s, std::set<UserId>& r, const Shape& shape) {
          for (std::size_t i = 0; i < shape.members; ++i) {
            const UserId u = fan(static_cast<std::uint32_t>(rng.uniform_int(shape.range))) + 1;
            s.insert(u);
            r.insert(u);
          }
          if (shape.far) {
            for (const UserId u : {2'500'000u, 4'000'000'000u}) {
              s.insert(u);
              r.insert(u);
            }
          }
        };
        fill(x, rx, a);
        fill(y, ry, b);
        both_dense += x.dense() && y.dense() && b_order == fans ? 1 : 0;
        std::size_t common = 0;
        std::vector<UserId> only_x;
        for (const UserId u : rx) {
          if (ry.count(u)) {
            ++common;
          } else {
            only_x.push_back(u);
          }
        }
        ASSERT_EQ(x.count_common(y), common) << cases;
        std::vector<UserId> got;
        x.for_each_not_in(y, [&](UserId u) { got.push_back(u); });
        std::sort(got.begin(), got.end());
        ASSERT_EQ(got, only_x) << cases;
        x.merge(y);
        rx.insert(ry.begin(), ry.end());
        expect_same(x, rx);
        if (::testing::Test::HasFatalFailure()) return;
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 6 * 6 * 3);
  EXPECT_GE(both_dense, 9);  // the word-by-word path ran
}

}  // namespace
}  // namespace likesim
