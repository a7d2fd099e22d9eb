#include "engine/model/user_permutation.h"

#include <gtest/gtest.h>

#include <vector>

namespace likesim {
namespace {

TEST(UserPermutation, IsABijectionOfTheRange) {
  for (std::uint32_t n : {1u, 2u, 3u, 1000u, 4096u, 100003u}) {
    UserPermutation p(42, n);
    std::vector<bool> seen(n);
    for (std::uint32_t x = 0; x < n; ++x) {
      const std::uint32_t y = p(x);
      ASSERT_LT(y, n);
      ASSERT_FALSE(seen[y]) << n << " " << x;
      seen[y] = true;
    }
  }
}

TEST(UserPermutation, InverseUndoesItOverTheWholeRange) {
  for (std::uint32_t n : {1u, 2u, 3u, 1000u, 4096u, 100003u}) {
    UserPermutation p(7, n);
    for (std::uint32_t x = 0; x < n; ++x) ASSERT_EQ(p.inverse(p(x)), x) << n << " " << x;
  }
  // The celebrity's size, sampled: 100 M users take 27 bits, beyond what a full walk tests.
  UserPermutation big(42, 100000000);
  for (std::uint32_t x = 0; x < 100000000; x += 9973) ASSERT_EQ(big.inverse(big(x)), x) << x;
}

TEST(UserPermutation, SpreadsConsecutiveInputsAndDependsOnTheKey) {
  UserPermutation a(1, 100000000), b(2, 100000000);
  int identity = 0, same = 0;
  for (std::uint32_t x = 0; x < 1000; ++x) {
    identity += a(x) == x;
    same += a(x) == b(x);
  }
  EXPECT_LT(identity, 3);
  EXPECT_LT(same, 3);
}

}  // namespace
}  // namespace likesim
