// ZipfDistribution (rejection-inversion) against the exact pmf P(k) = k^-s / H(n, s), computed
// here by summing the terms: a chi-square test over bins holding at least 20 expected draws
// (alpha = 0.001), and the mean and variance within 5 standard errors. The parameters cover
// s = 1 exactly (the logarithmic branch of H), s just off 1 (the series branch), s < 1, s > 2
// (where the rejection step does most of its work), n = 1, and n in the millions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/core/random_stream.h"
#include "tests/unit/engine/core/goodness_of_fit.h"

namespace likesim {
namespace {

using testing::chi_square;
using testing::chi_square_critical_0001;

struct ZipfCase {
  std::uint64_t n;
  double s;
  std::size_t draws;
};

void PrintTo(const ZipfCase& c, std::ostream* os) { *os << "n=" << c.n << " s=" << c.s; }

class ZipfExact : public ::testing::TestWithParam<ZipfCase> {};

TEST_P(ZipfExact, MatchesTheExactPmf) {
  const ZipfCase c = GetParam();
  // The exact pmf, index k = 1..n, summed smallest terms first for accuracy.
  std::vector<double> pmf(c.n + 1, 0.0);
  double h = 0;
  for (std::uint64_t k = c.n; k >= 1; --k) {
    pmf[k] = std::pow(static_cast<double>(k), -c.s);
    h += pmf[k];
  }
  double mean = 0, second = 0;
  for (std::uint64_t k = 1; k <= c.n; ++k) {
    pmf[k] /= h;
    mean += static_cast<double>(k) * pmf[k];
  }
  double mu4 = 0;
  for (std::uint64_t k = 1; k <= c.n; ++k) {
    const double d = static_cast<double>(k) - mean;
    second += d * d * pmf[k];
    mu4 += d * d * d * d * pmf[k];
  }
  const double variance = second;

  // Consecutive ranks merged until a bin expects at least 20 draws; a short tail joins the
  // last bin.
  std::vector<std::uint32_t> bin_of(c.n + 1, 0);
  std::vector<double> bin_p;
  const double min_p = 20.0 / static_cast<double>(c.draws);
  double acc = 0;
  for (std::uint64_t k = 1; k <= c.n; ++k) {
    bin_of[k] = static_cast<std::uint32_t>(bin_p.size());
    acc += pmf[k];
    if (acc >= min_p) {
      bin_p.push_back(acc);
      acc = 0;
    }
  }
  if (acc > 0) {
    if (bin_p.empty()) {
      bin_p.push_back(acc);
    } else {
      bin_p.back() += acc;
      for (std::uint64_t k = c.n; k >= 1 && bin_of[k] == bin_p.size(); --k) --bin_of[k];
    }
  }

  const ZipfDistribution zipf(c.n, c.s);
  ASSERT_EQ(zipf.n(), c.n);
  RandomStream rng(17, "test.zipf");
  std::vector<std::uint64_t> observed(bin_p.size(), 0);
  double sum = 0, sum_sq = 0;
  for (std::size_t i = 0; i < c.draws; ++i) {
    const std::uint64_t k = zipf.sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, c.n);
    ++observed[bin_of[k]];
    const double d = static_cast<double>(k) - mean;
    sum += static_cast<double>(k);
    sum_sq += d * d;
  }
  const double draws = static_cast<double>(c.draws);
  const double sample_mean = sum / draws;
  // The variance about the exact mean, minus the sample mean's own offset (unbiased).
  const double sample_variance =
      (sum_sq - draws * (sample_mean - mean) * (sample_mean - mean)) / (draws - 1);
  EXPECT_NEAR(sample_mean, mean, 5 * std::sqrt(variance / draws));
  EXPECT_NEAR(sample_variance, variance, 5 * std::sqrt((mu4 - variance * variance) / draws));

  if (bin_p.size() >= 2) {
    const int df = static_cast<int>(bin_p.size()) - 1;
    const double chi2 = chi_square(observed, bin_p);
    EXPECT_LT(chi2, chi_square_critical_0001(df)) << bin_p.size() << " bins";
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ZipfExact,
                         ::testing::Values(ZipfCase{1, 1.0, 1'000}, ZipfCase{2, 1.0, 200'000},
                                           ZipfCase{10, 1.0, 200'000}, ZipfCase{10, 0.5, 200'000},
                                           ZipfCase{50, 1.0 + 1e-9, 200'000},
                                           ZipfCase{50, 2.5, 200'000}, ZipfCase{1000, 0.7, 200'000},
                                           ZipfCase{1000, 1.2, 200'000},
                                           ZipfCase{100, 4.0, 200'000},
                                           ZipfCase{1'000'000, 1.0, 500'000}));

TEST(Zipf, TheSameStreamGivesTheSameRanks) {
  const ZipfDistribution zipf(1'000'000, 1.1);
  RandomStream a(3, "test.zipf.same"), b(3, "test.zipf.same");
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(zipf.sample(a), zipf.sample(b));
}

// Over one rank the draw is skipped but its uniform is still taken: the stream then moves on
// exactly as rejection-inversion would move it, so a run with one post reports what it did.
TEST(Zipf, OneRankTakesOneUniformFromTheStream) {
  const ZipfDistribution zipf(1, 1.0);
  RandomStream used(4, "test.zipf.one"), reference(4, "test.zipf.one");
  for (int i = 0; i < 1'000; ++i) {
    ASSERT_EQ(zipf.sample(used), 1u);
    reference.uniform01();  // the one uniform the general path takes and always accepts
    ASSERT_EQ(used.next_u64(), reference.next_u64()) << i;
  }
}

}  // namespace
}  // namespace likesim
