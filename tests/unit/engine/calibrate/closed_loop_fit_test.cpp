// The closed-loop fits recover costs they did not see: "measured" throughputs are made by
// simulating known values, and each fit must find them again.
#include "engine/calibrate/closed_loop_fit.h"

#include <gtest/gtest.h>

#include <chrono>

#include "engine/calibrate/validate_shapes.h"
#include "engine/run/sim_world.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

sim::CostModel costs() {
  sim::CostModel c;
  c.postgres.rtt_us = 40;
  c.postgres.statement_us = 10;
  c.postgres.commit_cpu_us = 5;
  c.postgres.wal_flush_us = 100;
  return c;
}

// A simulated closed loop's throughput, each client with a connection of its own.
double loop_per_s(sim::CostModel c, ClosedLoopWork work, int clients) {
  c.postgres.pool_size = clients;
  SimWorld world(c, 1, 1);
  return run_closed_loop(world, work, clients, 1s).throughput();
}

double throughput(int clients, double handoff_us, double exponent) {
  sim::CostModel c = costs();
  c.postgres.lock_handoff_us = handoff_us;
  c.postgres.lock_contention_exponent = exponent;
  return loop_per_s(c, ClosedLoopWork::hot_row, clients);
}

TEST(ContentionFit, RecoversTheHandoffAndExponentThatMadeThePoints) {
  const std::vector<HotRowPoint> points = {
      {2, throughput(2, 30, 0.5)}, {8, throughput(8, 30, 0.5)}, {32, throughput(32, 30, 0.5)}};
  // The points differ enough to tell exponents apart: contention grows with the clients.
  ASSERT_GT(points[0].per_s, points[2].per_s * 1.2);
  const ContentionFit f = fit_lock_contention(costs(), points);
  EXPECT_NEAR(f.exponent, 0.5, 0.051);
  EXPECT_NEAR(f.handoff_us, 30, 3);
  ASSERT_EQ(f.simulated_per_s.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_NEAR(f.simulated_per_s[i], points[i].per_s, points[i].per_s * 0.03);
}

TEST(ContentionFit, ALinearContentionIsFoundLinear) {
  const std::vector<HotRowPoint> points = {
      {2, throughput(2, 15, 1.0)}, {8, throughput(8, 15, 1.0)}, {32, throughput(32, 15, 1.0)}};
  const ContentionFit f = fit_lock_contention(costs(), points);
  EXPECT_NEAR(f.exponent, 1.0, 0.051);
  EXPECT_NEAR(f.handoff_us, 15, 2);
}

TEST(InsertFit, RecoversTheInsertCostThatMadeThePoint) {
  sim::CostModel c = costs();
  c.postgres.synchronous_commit = false;
  c.postgres.insert_us = 80;
  const double per_s = loop_per_s(c, ClosedLoopWork::insert, 4);
  EXPECT_NEAR(fit_insert_us(costs(), {4, per_s}), 80, 2);
  // Slower than even free inserts allow: 0, not a negative cost.
  EXPECT_EQ(fit_insert_us(costs(), {4, 1e9}), 0);
}

TEST(WalWakeFit, RecoversTheWakeUpCostThatMadeThePoint) {
  sim::CostModel c = costs();
  c.postgres.synchronous_commit = true;
  c.postgres.wal_wake_us = 40;
  const double per_s = loop_per_s(c, ClosedLoopWork::insert, 32);
  // A flush's 32-commit groups: their wake-ups set the pace, not the CPUs.
  ASSERT_LT(per_s, 1e6 / 40 * 1.1);
  EXPECT_NEAR(fit_wal_wake_us(costs(), {32, per_s}), 40, 2);
  EXPECT_EQ(fit_wal_wake_us(costs(), {32, 1e9}), 0);
}

}  // namespace
}  // namespace likesim
