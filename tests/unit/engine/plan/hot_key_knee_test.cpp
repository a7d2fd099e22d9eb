// The analytic knee: M/D/1's waiting-time quantile against the exact distribution, and the hot
// key's service time per strategy from the cost model.
#include "engine/plan/hot_key_knee.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

// Erlang's exact M/D/1 waiting-time distribution (service 1, arrival rate rho):
// P(W <= t) = (1 - rho) sum_{k=0}^{floor t} (rho (k - t))^k / k! e^{-rho (k - t)}.
// Alternating terms of size up to e^{rho t}: long double keeps it exact enough for t <= 25.
double md1_wait_cdf(double rho, double t) {
  long double sum = 0;
  for (int k = 0; k <= static_cast<int>(std::floor(t)); ++k) {
    const long double x = rho * (k - t);
    sum += std::pow(x, k) / std::tgamma(static_cast<long double>(k + 1)) * std::exp(-x);
  }
  return static_cast<double>((1 - rho) * sum);
}

double exact_quantile(double rho, double q) {
  double lo = 0, hi = 25;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (md1_wait_cdf(rho, mid) < q ? lo : hi) = mid;
  }
  return hi;
}

TEST(Md1, TheP99MatchesErlangsExactDistribution) {
  for (double rho : {0.5, 0.7, 0.8}) {
    const double exact = exact_quantile(rho, 0.99);
    const double approx = md1_wait_quantile(rho, 1.0, 0.99);
    EXPECT_NEAR(approx, exact, 0.02 * exact) << "rho " << rho;
  }
  // Seconds and rates scale together: service 10 us at 80k/s is rho 0.8.
  EXPECT_NEAR(md1_wait_quantile(80000, 10e-6, 0.99), 10e-6 * exact_quantile(0.8, 0.99),
              0.02 * 10e-6 * exact_quantile(0.8, 0.99));
  EXPECT_EQ(md1_wait_quantile(0, 1, 0.99), 0);
  EXPECT_TRUE(std::isinf(md1_wait_quantile(2, 1, 0.99)));
}

TEST(Md1, TheRateForAWaitInvertsTheQuantile) {
  const double rate = md1_rate_for_wait(10e-6, 200e-6, 0.99);
  EXPECT_NEAR(md1_wait_quantile(rate, 10e-6, 0.99), 200e-6, 1e-9);
  EXPECT_LT(rate, 1e5);
}

Scenario celebrity(const std::vector<std::string>& overrides) {
  absl::StatusOr<Scenario> s = load_scenario(source_dir() + "/scenarios/celebrity.toml", overrides);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return *s;
}

const StrategyConfig& named(const Scenario& s, const std::string& name) {
  for (const StrategyConfig& c : s.strategies) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no " + name);
}

TEST(HotKeyKnee, OneScriptPerLikeOnOneNode) {
  const Scenario s = celebrity({});
  const HotKeyKnee k = hot_key_knee(s, named(s, "single_counter_redis"));
  ASSERT_TRUE(k.available) << k.why_not;
  // Per like: the script (11.2 + 2.5 us); 0.2 count reads GET the counter (11.2 + 0.58 us),
  // on the same node (both keys carry the post's hash tag).
  const double us = 13.7 + 0.2 * 11.78;
  EXPECT_NEAR(k.us_per_like, us, 1e-9);
  EXPECT_NEAR(k.requests_per_like, 1.2, 1e-12);
  EXPECT_NEAR(k.capacity, 1e6 / us, 1e-6);
  // 200 ms of waiting is a very long queue for a 13 us server: the knee is just below capacity.
  EXPECT_LT(k.knee, k.capacity);
  EXPECT_GT(k.knee, 0.999 * k.capacity);
  EXPECT_EQ(k.latency_limit_ms, 200);
  EXPECT_EQ(k.nodes, 6);
}

TEST(HotKeyKnee, ShardsSpreadTheLikesOverTheNodes) {
  const Scenario one = celebrity({"strategy.sharded_counter.shards=1"});
  const Scenario many = celebrity({"strategy.sharded_counter.shards=64"});
  const HotKeyKnee k1 = hot_key_knee(one, named(one, "sharded_counter"));
  const HotKeyKnee k64 = hot_key_knee(many, named(many, "sharded_counter"));
  ASSERT_TRUE(k1.available) << k1.why_not;
  ASSERT_TRUE(k64.available) << k64.why_not;
  // One shard: its node takes every INCRBY (11.78 us) plus its share of the 16 sets' SADDs.
  EXPECT_GT(k1.us_per_like, 11.78);
  EXPECT_LT(k1.us_per_like, 11.78 + 12.3);
  // 64 shards over 6 nodes: the busiest takes a sixth or so of both.
  EXPECT_LT(k64.us_per_like, 0.5 * k1.us_per_like);
  EXPECT_GT(k64.us_per_like, (11.78 + 12.3) / 6 - 1e-9);
  EXPECT_NE(k64.path.find("SADD on 1 of 16 sets + INCRBY on 1 of 64 counter shards"),
            std::string::npos)
      << k64.path;
}

TEST(HotKeyKnee, StrategiesWithoutOneHotKeySaySo) {
  const Scenario s = celebrity({});
  const HotKeyKnee log = hot_key_knee(s, named(s, "async_log"));
  EXPECT_FALSE(log.available);
  EXPECT_NE(log.why_not.find("no analytic knee for async_log"), std::string::npos);
  const HotKeyKnee row = hot_key_knee(s, named(s, "single_counter"));
  EXPECT_FALSE(row.available);
  EXPECT_NE(row.why_not.find("PostgreSQL row"), std::string::npos) << row.why_not;
}

}  // namespace
}  // namespace likesim
