#include "engine/plan/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

namespace likesim {
namespace {

// U of `first`: pairs (a, b) with a > b, plus half of those with a == b; and whether any
// value of the pooled samples is tied.
std::pair<double, bool> u_statistic(const std::vector<double>& first,
                                    const std::vector<double>& second) {
  double u = 0;
  for (double a : first) {
    for (double b : second) u += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
  }
  std::vector<double> pooled(first);
  pooled.insert(pooled.end(), second.begin(), second.end());
  std::sort(pooled.begin(), pooled.end());
  const bool ties = std::adjacent_find(pooled.begin(), pooled.end()) != pooled.end();
  return {u, ties};
}

// P(U >= u) without ties: ways[k] counts the arrangements of n1 + n2 distinct values with
// U = k, built one value at a time (the largest is either one of the first sample's, adding
// the second's count to U, or one of the second's).
double exact_upper_tail(std::size_t n1, std::size_t n2, double u) {
  // table[i][j] = distribution of U for samples of sizes i and j.
  std::vector<std::vector<std::vector<double>>> table(n1 + 1,
                                                      std::vector<std::vector<double>>(n2 + 1));
  for (std::size_t i = 0; i <= n1; ++i) {
    for (std::size_t j = 0; j <= n2; ++j) {
      std::vector<double>& ways = table[i][j];
      ways.assign(i * j + 1, 0.0);
      if (i == 0 || j == 0) {
        ways[0] = 1;
        continue;
      }
      const std::vector<double>& largest_first = table[i - 1][j];  // adds j to U
      const std::vector<double>& largest_second = table[i][j - 1];
      for (std::size_t k = 0; k < largest_first.size(); ++k) ways[k + j] += largest_first[k];
      for (std::size_t k = 0; k < largest_second.size(); ++k) ways[k] += largest_second[k];
    }
  }
  const std::vector<double>& ways = table[n1][n2];
  double total = 0, tail = 0;
  for (std::size_t k = 0; k < ways.size(); ++k) {
    total += ways[k];
    if (static_cast<double>(k) >= u - 1e-9) tail += ways[k];
  }
  return tail / total;
}

double normal_upper_tail(const std::vector<double>& first, const std::vector<double>& second,
                         double u) {
  const double n1 = static_cast<double>(first.size());
  const double n2 = static_cast<double>(second.size());
  const double n = n1 + n2;
  std::vector<double> pooled(first);
  pooled.insert(pooled.end(), second.begin(), second.end());
  std::sort(pooled.begin(), pooled.end());
  double tie_term = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j] == pooled[i]) ++j;
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  const double variance = n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return 1.0;  // every value equal: nothing points either way
  const double z = (u - n1 * n2 / 2.0 - 0.5) / std::sqrt(variance);
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

}  // namespace

double mann_whitney_greater(const std::vector<double>& first, const std::vector<double>& second) {
  if (first.empty() || second.empty()) return 1.0;
  const auto [u, ties] = u_statistic(first, second);
  // The exact table has (n1 + 1)(n2 + 1)(n1 n2 + 1) entries: ~180 k at 20 reports a side.
  if (!ties && first.size() * second.size() <= 400) {
    return exact_upper_tail(first.size(), second.size(), u);
  }
  return normal_upper_tail(first, second, u);
}

}  // namespace likesim
