#include "workloads/hawkes_cascades.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tests/unit/workloads/kernel_test_support.h"
#include "workloads/poisson_draw.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

HawkesConfig small() {
  HawkesConfig c;
  c.kernel = "power_law";
  c.power_law_c_s = 30;
  c.power_law_theta = 1.2;
  c.horizon_s = 86400;
  c.branching = 0.5;
  c.mark_alpha = 0;
  c.rate_multiplier = 1000;
  c.cascades_per_s = 20;
  c.first_cascade_s = 1;
  return c;
}

CascadeSizes fixed(double size) { return CascadeSizes::power_law(1, size, size, 1); }

std::vector<CascadeEvent> all(HawkesCascades& g) {
  std::vector<CascadeEvent> out;
  CascadeEvent e;
  while (g.next(e)) out.push_back(e);
  return out;
}

bool same(const std::vector<CascadeEvent>& a, const std::vector<CascadeEvent>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].time_ns != b[i].time_ns || a[i].cascade != b[i].cascade || a[i].start != b[i].start) {
      return false;
    }
  }
  return true;
}

TEST(HawkesCascades, EventsAreTimeOrderedAndEachLikeFollowsItsCascadesStart) {
  HawkesCascades g(small(), fixed(100), 1, 60s);
  const std::vector<CascadeEvent> events = all(g);
  ASSERT_GT(events.size(), 50000u);
  std::vector<std::int64_t> started;
  std::int64_t prev = 0;
  for (const CascadeEvent& e : events) {
    ASSERT_GE(e.time_ns, prev);
    ASSERT_LT(e.time_ns, 60'000'000'000);
    ASSERT_GE(e.time_ns, 1'000'000'000);  // first_cascade_s
    prev = e.time_ns;
    if (e.start) {
      ASSERT_EQ(e.cascade, started.size());  // numbered in start order
      started.push_back(e.time_ns);
    } else {
      ASSERT_LT(e.cascade, started.size());
    }
  }
  EXPECT_NEAR(static_cast<double>(started.size()), 59 * 20, 4 * std::sqrt(59 * 20.0));
  EXPECT_EQ(g.cascades(), started.size());
  EXPECT_EQ(g.likes() + started.size(), events.size());
  EXPECT_EQ(g.pending(), 0u);
}

TEST(HawkesCascades, SameSeedSameEventsWhateverTheSlotWidthAndAnotherSeedDiffers) {
  HawkesConfig c = small();
  c.mark_alpha = 2.016;
  c.mark_beta = 1.015;
  HawkesCascades a(c, fixed(100), 7, 20s), b(c, fixed(100), 7, 20s, 3),
      d(c, fixed(100), 7, 20s, 25);
  HawkesCascades other(c, fixed(100), 8, 20s);
  const auto ea = all(a);
  EXPECT_TRUE(same(ea, all(b)));
  EXPECT_TRUE(same(ea, all(d)));
  EXPECT_FALSE(same(ea, all(other)));
}

// The mean size of a cascade is the drawn size (the kernel is renormalised inside the horizon,
// so nothing is cut off). At rate_multiplier 1e6 a cascade's generations are 0.6 ms apart, so
// every cascade that starts before 0.9 s is over by the run's end at 1 s.
// With n* = 0 every like is the root's own: their count must be Poisson(S) and their delays
// from the cascade's start the kernel's distribution, whatever size sets the root's groups of
// pieces (one group for a small cascade, many for a large one).
TEST(HawkesCascades, ARootsOwnLikesArePoissonInCountAndKernelDistributedInTime) {
  for (const double size : {3.0, 60.0, 5000.0}) {
    HawkesConfig c = small();
    c.kernel = "seismic";  // a flat plateau, its knee and a power-law tail: every piece kind
    c.horizon_s = 7 * 86400;
    c.branching = 0;
    c.rate_multiplier = 1;
    c.cascades_per_s = 1e-5;
    c.first_cascade_s = 0;
    const int cascades = size > 1000 ? 60 : 3000;
    // Far apart cascades (one per ~28 h on average) over a run long enough for all to end.
    HawkesCascades g(c, fixed(size), 5, Duration(std::int64_t{1} << 62));
    std::vector<std::int64_t> starts;
    std::vector<double> counts;
    std::vector<std::vector<double>> delays_of;
    CascadeEvent e;
    while (g.next(e)) {
      if (e.start) {
        if (starts.size() == static_cast<std::size_t>(cascades)) break;
        starts.push_back(e.time_ns);
        counts.push_back(0);
        delays_of.emplace_back();
        continue;
      }
      if (e.cascade >= starts.size()) continue;
      counts[e.cascade] += 1;
      delays_of[e.cascade].push_back(static_cast<double>(e.time_ns - starts[e.cascade]) * 1e-9);
    }
    // Only cascades whose week ended before the loop stopped are whole.
    double sum = 0, sum_sq = 0;
    std::size_t whole = 0;
    std::vector<double> delays;
    for (std::size_t i = 0; i < starts.size(); ++i) {
      if (static_cast<double>(starts.back() - starts[i]) * 1e-9 < c.horizon_s) continue;
      delays.insert(delays.end(), delays_of[i].begin(), delays_of[i].end());
      sum += counts[i];
      sum_sq += counts[i] * counts[i];
      ++whole;
    }
    ASSERT_GT(whole, static_cast<std::size_t>(cascades / 2)) << size;
    const double mean = sum / static_cast<double>(whole);
    const double variance = sum_sq / static_cast<double>(whole) - mean * mean;
    const double se = std::sqrt(size / static_cast<double>(whole));
    EXPECT_NEAR(mean, size, 4 * se) << size;
    EXPECT_NEAR(variance / size, 1, 0.15) << size;  // Poisson: variance = mean
    const double d = kernel_test::ks_distance(delays, [&](double s) { return g.kernel().cdf(s); });
    EXPECT_LT(d, kernel_test::ks_bound(delays.size()))
        << size << ": " << delays.size() << " delays";
  }
}

TEST(HawkesCascades, MeanCascadeSizeIsTheDrawnSize) {
  struct Case {
    double branching, alpha, tolerance;
  };
  for (const Case& k : {Case{0.5, 0, 0.02}, Case{0.8, 0, 0.04}, Case{0.8, 2.016, 0.1}}) {
    HawkesConfig c = small();
    c.branching = k.branching;
    c.mark_alpha = k.alpha;
    c.mark_beta = 1.015;
    c.horizon_s = 600;
    c.rate_multiplier = 1e6;
    c.cascades_per_s = 2000;
    c.first_cascade_s = 0;
    HawkesCascades g(c, fixed(200), 3, 1s);
    CascadeEvent e;
    std::uint64_t likes = 0;
    std::uint32_t cascades = 0;
    while (g.next(e)) {
      if (e.start && e.time_ns < 900'000'000) ++cascades;
      if (!e.start && e.cascade < cascades) ++likes;
    }
    ASSERT_GT(cascades, 1600u);
    const double mean = static_cast<double>(likes) / cascades;
    EXPECT_NEAR(mean, 200, 200 * k.tolerance) << k.branching << " " << k.alpha;
  }
}

TEST(HawkesCascades, ExpectedRateMatchesTheGeneratedRate) {
  HawkesConfig c = small();
  c.first_cascade_s = 0;
  c.rate_multiplier = 2000;  // the power law's 30 s shift is 15 ms of run time
  HawkesCascades g(c, fixed(100), 5, 200s);
  std::vector<double> per_second(200, 0);
  CascadeEvent e;
  while (g.next(e)) {
    if (!e.start) per_second[static_cast<std::size_t>(e.time_ns / 1'000'000'000)] += 1;
  }
  // Likes per window against the integral of the expected rate, early (cascades still young)
  // and late (near the steady 20 * 100 likes/s). Most of the noise is the Poisson number of
  // cascades: the variance of a window's count is about starts * E[size^2].
  struct Window {
    int from, to;
  };
  for (const Window& w : {Window{0, 2}, Window{2, 10}, Window{10, 50}, Window{50, 200}}) {
    double got = 0, expected = 0;
    for (int s = w.from; s < w.to; ++s) got += per_second[s];
    for (double t = w.from + 0.005; t < w.to; t += 0.01)
      expected += g.expected_like_rate_at(t) * 0.01;
    const double sd = std::sqrt(20.0 * (w.to - w.from) * (100 * 100 + 400));
    EXPECT_NEAR(got, expected, 4 * sd) << w.from;
  }
  EXPECT_LT(g.expected_like_rate_at(0.01), 1000);  // 20 cascade-seconds in: still rising
  EXPECT_LE(g.expected_like_rate_at(199), 2000 * (1 + 1e-9));
  EXPECT_GT(g.expected_like_rate_at(199), 1950);
  EXPECT_EQ(g.expected_like_rate_at(-1), 0);
  EXPECT_EQ(g.expected_like_rate_at(250), 0);  // after the run
}

TEST(HawkesCascades, PendingLikesStayBoundedOverALongRun) {
  HawkesConfig c = small();
  c.rate_multiplier = 1e4;
  HawkesCascades g(c, fixed(100), 9, 100000s);
  CascadeEvent e;
  std::size_t at_1m = 0;
  for (std::uint64_t n = 1; n <= 20'000'000 && g.next(e); ++n) {
    if (n == 2'000'000) at_1m = g.max_pending();
  }
  ASSERT_GT(at_1m, 0u);
  // A steady state: the most pending likes over 20 M events is that of the first 2 M, give or
  // take the noise of a few big cascades.
  EXPECT_LT(g.max_pending(), 2 * at_1m);
  EXPECT_LT(g.memory_bytes(), 64u << 20);
}

// The tabulated child counts against the definition, drawn directly: m ~ Pareto(alpha),
// N ~ Poisson(n* m^beta / E[m^beta]). Mean n*, the share of each small count, and the tail.
TEST(HawkesCascades, ChildCountsHaveTheMarkedModelsDistribution) {
  HawkesConfig c = small();
  c.branching = 0.922;
  c.mark_alpha = 2.016;
  c.mark_beta = 1.015;
  HawkesCascades g(c, fixed(100), 1, 1s);
  RandomStream direct(2, "test.children");
  const double norm = 0.922 / (2.016 / (2.016 - 1.015));
  constexpr int kDraws = 4000000;
  std::vector<double> table(12, 0), exact(12, 0);
  double table_sum = 0, exact_sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const std::uint32_t a = g.draw_child_count();
    const double m = direct.pareto(1, 2.016);
    const std::uint32_t b = poisson_draw(direct, norm * std::pow(m, 1.015));
    table_sum += a;
    exact_sum += b;
    table[std::min<std::uint32_t>(a, 11)] += 1;
    exact[std::min<std::uint32_t>(b, 11)] += 1;
  }
  EXPECT_NEAR(table_sum / kDraws, 0.922, 0.01);
  EXPECT_NEAR(exact_sum / kDraws, 0.922, 0.01);
  for (int k = 0; k < 12; ++k) {
    const double p = exact[k] / kDraws;
    EXPECT_NEAR(table[k] / kDraws, p, 5 * std::sqrt(p * (1 - p) / kDraws) + 1e-6) << k;
  }
}

}  // namespace
}  // namespace likesim
