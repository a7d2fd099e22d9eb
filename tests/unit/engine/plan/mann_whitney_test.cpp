#include "engine/plan/mann_whitney.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace likesim {
namespace {

// P(U >= observed) by trying every way to split the pooled values into the two samples: the
// definition itself, independent of the counting recursion and of the normal approximation.
double permutation_p(const std::vector<double>& first, const std::vector<double>& second) {
  std::vector<double> pooled(first);
  pooled.insert(pooled.end(), second.begin(), second.end());
  auto u_of = [&](const std::vector<bool>& in_first) {
    double u = 0;
    for (std::size_t i = 0; i < pooled.size(); ++i) {
      if (!in_first[i]) continue;
      for (std::size_t j = 0; j < pooled.size(); ++j) {
        if (in_first[j]) continue;
        u += pooled[i] > pooled[j] ? 1.0 : (pooled[i] == pooled[j] ? 0.5 : 0.0);
      }
    }
    return u;
  };
  std::vector<bool> observed(pooled.size(), false);
  std::fill(observed.begin(), observed.begin() + static_cast<long>(first.size()), true);
  const double u = u_of(observed);
  std::vector<bool> split(observed);  // true first: prev_permutation walks every split
  double total = 0, tail = 0;
  do {
    total += 1;
    if (u_of(split) >= u - 1e-9) tail += 1;
  } while (std::prev_permutation(split.begin(), split.end()));
  return tail / total;
}

TEST(MannWhitney, AllOfThreeAboveAllOfThreeIsOneArrangementInTwenty) {
  EXPECT_NEAR(mann_whitney_greater({4, 5, 6}, {1, 2, 3}), 1.0 / 20, 1e-12);
  EXPECT_NEAR(mann_whitney_greater({5, 6, 7, 8}, {1, 2, 3, 4}), 1.0 / 70, 1e-12);
}

TEST(MannWhitney, MatchesPublishedTableValues) {
  // Tables of U for n1 = n2 = 5 give P(U <= 3) = 0.028 and P(U <= 5) = 0.075; by symmetry
  // P(U >= 22) and P(U >= 20) are the same.
  EXPECT_NEAR(mann_whitney_greater({3, 7, 8, 9, 10}, {1, 2, 4, 5, 6}), 0.028, 0.0005);  // U = 22
  EXPECT_NEAR(mann_whitney_greater({5, 6, 7, 8, 9}, {1, 2, 3, 4, 10}), 0.075, 0.0005);  // U = 20
}

TEST(MannWhitney, ExactTailEqualsEveryArrangementCounted) {
  const std::vector<double> a = {1.5, 9.1, 3.3, 7.2, 8.8, 2.9, 10.4};
  const std::vector<double> b = {4.1, 0.7, 6.6, 5.5, 2.2, 11.9};
  EXPECT_NEAR(mann_whitney_greater(a, b), permutation_p(a, b), 1e-12);
  EXPECT_NEAR(mann_whitney_greater(b, a), permutation_p(b, a), 1e-12);
}

TEST(MannWhitney, WithTiesTheNormalApproximationIsCloseToTheExactTail) {
  const std::vector<double> a = {10, 12, 12, 14, 15, 15, 17, 18};
  const std::vector<double> b = {9, 10, 11, 12, 12, 13, 14, 14};
  EXPECT_NEAR(mann_whitney_greater(a, b), permutation_p(a, b), 0.02);
}

TEST(MannWhitney, NothingToTellApartIsNotSignificant) {
  EXPECT_EQ(mann_whitney_greater({5, 5, 5}, {5, 5, 5}), 1.0);
  EXPECT_EQ(mann_whitney_greater({}, {1, 2}), 1.0);
  EXPECT_GT(mann_whitney_greater({1, 2, 3}, {4, 5, 6}), 0.9);  // the other way round
}

}  // namespace
}  // namespace likesim
