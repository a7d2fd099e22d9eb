// The simulated Redis cluster draws its round trips from a measured shape under
// distribution = "empirical" (and charges exactly the mean otherwise).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/backends/sim/redis_cluster.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

const std::vector<double> kTable = {18, 20, 22, 25, 29, 35, 41, 75, 160, 400};

Task<void> sequential_incrs(Runtime& rt, Kv kv, int n, std::vector<double>& latency_us) {
  for (int i = 0; i < n; ++i) {
    co_await rt.sleep_for(std::chrono::milliseconds(1));  // an idle node: no queueing
    const Time t0 = rt.now();
    const KvReply r = co_await kv.incr_by(KeyId::counter(1), 1);
    EXPECT_EQ(r.status, ReplyStatus::ok);
    latency_us.push_back(static_cast<double>((rt.now() - t0).count()) / 1000.0);
  }
}

std::vector<double> latencies(sim::ServiceDistribution d) {
  sim::RedisCosts c;
  c.rtt_us = 20;
  c.request_us = 10;
  c.command_us = 1;
  c.distribution = d;
  c.rtt_shape = *sim::EmpiricalShape::from_quantiles(kTable);
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, c, 1);
  std::vector<double> out;
  constexpr int kCalls = 20000;
  rt.spawn(sequential_incrs(rt, Kv(redis), kCalls, out));
  s.run();
  EXPECT_EQ(out.size(), static_cast<std::size_t>(kCalls));  // every call ran
  std::sort(out.begin(), out.end());
  return out;
}

double at(const std::vector<double>& sorted, double p) {
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

TEST(EmpiricalDrawsInServers, RedisRoundTripsFollowTheMeasuredShape) {
  const std::vector<double> fixed = latencies(sim::ServiceDistribution::deterministic);
  EXPECT_DOUBLE_EQ(fixed.front(), 31.0);  // rtt 20 + request 10 + INCRBY 1
  EXPECT_DOUBLE_EQ(fixed.back(), 31.0);

  const std::vector<double> drawn = latencies(sim::ServiceDistribution::empirical);
  // The round trip is 20 µs times the table over its mean; the server's 11 µs is fixed.
  const double scale = 20.0 / sim::quantile_table_mean(kTable);
  EXPECT_NEAR(at(drawn, 0.50), 25 * scale + 11, 0.5);
  EXPECT_NEAR(at(drawn, 0.90), 35 * scale + 11, 0.5);
  // The tail is sparse (p95..p99 spans 41..75): check it as the fraction of calls at or below
  // the table's p99, within four binomial standard errors.
  const double below =
      static_cast<double>(std::upper_bound(drawn.begin(), drawn.end(), 75 * scale + 11) -
                          drawn.begin()) /
      static_cast<double>(drawn.size());
  EXPECT_NEAR(below, 0.99, 4 * std::sqrt(0.99 * 0.01 / static_cast<double>(drawn.size())));
  EXPECT_GE(drawn.front(), 18 * scale + 11 - 0.01);
  EXPECT_LE(drawn.back(), 400 * scale + 11 + 0.01);
  double sum = 0;
  for (double v : drawn) sum += v;
  EXPECT_NEAR(sum / static_cast<double>(drawn.size()), 31.0, 0.3);  // the mean stays the cost
}

}  // namespace
}  // namespace likesim
