// A simulated Redis node is a single FIFO server: fed Poisson arrivals with exponential
// service, it must behave as queueing theory's M/M/1, whose mean time in system is
// W = 1 / (mu - lambda).
#include <gtest/gtest.h>

#include "engine/backends/kv.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/core/random_stream.h"
#include "engine/core/runtime.h"

namespace likesim {
namespace {

struct Sojourns {
  double total_ns = 0;
  std::uint64_t done = 0;
};

Task<void> one_request(Runtime& rt, Kv kv, Sojourns& s) {
  const Time sent = rt.now();
  const KvReply r = co_await kv.incr_by(KeyId::counter(1), 1);
  EXPECT_EQ(r.status, ReplyStatus::ok);
  s.total_ns += static_cast<double>((rt.now() - sent).count());
  ++s.done;
}

Task<void> poisson_arrivals(Runtime& rt, Kv kv, double lambda_per_s, std::uint64_t n, Sojourns& s) {
  RandomStream gaps(99, "test.mm1.arrivals");
  const double mean_gap_ns = 1e9 / lambda_per_s;
  for (std::uint64_t i = 0; i < n; ++i) {
    co_await rt.sleep_for(Duration(static_cast<std::int64_t>(gaps.exponential(mean_gap_ns))));
    rt.start_now(one_request(rt, kv, s));
  }
}

double mean_sojourn_us(double rho, std::uint64_t n) {
  sim::RedisCosts costs;
  costs.nodes = 1;
  costs.rtt_us = 0;
  costs.request_us = 10.0;  // mu = 100,000 requests/s
  costs.command_us = 0;
  costs.timeout_ms = 1e9;
  costs.distribution = sim::ServiceDistribution::exponential;
  Scheduler s;
  SimRuntime rt(s);
  sim::RedisCluster redis(s, costs, 5);
  Sojourns sojourns;
  rt.spawn(poisson_arrivals(rt, Kv(redis), rho * 100'000, n, sojourns));
  s.run();
  EXPECT_EQ(sojourns.done, n);  // every request came back (no lost continuation)
  EXPECT_EQ(redis.peek_value(KeyId::counter(1)), static_cast<std::int64_t>(n));
  return sojourns.total_ns / static_cast<double>(n) / 1000.0;
}

// Sojourn times of neighbouring customers are correlated, the more so the busier the server:
// the variance of the sample mean is ~ (1 + rho) / (1 - rho)^2 times that of independent
// samples (the M/M/1 relaxation time). With 400k customers that gives a relative standard
// error of ~0.6 % at rho = 0.5 and ~1.8 % at rho = 0.8; the tolerances are about three of
// those.
TEST(RedisNodeQueueing, MatchesMM1AtHalfLoad) {
  const double w = mean_sojourn_us(0.5, 400'000);
  EXPECT_NEAR(w, 20.0, 20.0 * 0.02) << "M/M/1: W = 1 / (mu - lambda) = 20 us";
}

TEST(RedisNodeQueueing, MatchesMM1AtEightyPercentLoad) {
  const double w = mean_sojourn_us(0.8, 400'000);
  EXPECT_NEAR(w, 50.0, 50.0 * 0.05) << "M/M/1: W = 1 / (mu - lambda) = 50 us";
}

}  // namespace
}  // namespace likesim
