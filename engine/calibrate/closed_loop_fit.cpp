#include "engine/calibrate/closed_loop_fit.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "engine/calibrate/validate_shapes.h"
#include "engine/run/sim_world.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

// A simulated closed loop's throughput at `clients`, each with a connection of its own.
double closed_loop_per_s(sim::CostModel costs, ClosedLoopWork work, int clients) {
  costs.postgres.pool_size = clients;
  SimWorld world(costs, 1, 1);
  return run_closed_loop(world, work, clients, 1s).throughput();
}

double simulated_per_s(sim::CostModel costs, int clients, double handoff_us, double exponent) {
  costs.postgres.lock_handoff_us = handoff_us;
  costs.postgres.lock_contention_exponent = exponent;
  return closed_loop_per_s(costs, ClosedLoopWork::hot_row, clients);
}

// The largest cost in [0, hi] at which per_s(cost) still exceeds `target` (per_s falls as the
// cost grows); 0 if even a free one does not.
template <class PerS>
double bisect_cost(PerS per_s, double target, double hi) {
  if (per_s(0.0) <= target) return 0;
  double lo = 0;
  for (int i = 0; i < 24; ++i) {
    const double mid = (lo + hi) / 2;
    (per_s(mid) > target ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace

ContentionFit fit_lock_contention(const sim::CostModel& costs,
                                  const std::vector<HotRowPoint>& points) {
  const std::size_t middle = points.size() / 2;
  constexpr double kMaxHandoffUs = 5000;
  ContentionFit best;
  double best_miss = std::numeric_limits<double>::infinity();
  for (double exponent = 0.2; exponent <= 1.5 + 1e-9; exponent += 0.05) {
    // Throughput falls as the handoff grows: bisect for the middle point's.
    const HotRowPoint& m = points[middle];
    const double handoff =
        bisect_cost([&](double h) { return simulated_per_s(costs, m.clients, h, exponent); },
                    m.per_s, kMaxHandoffUs);
    ContentionFit fit{handoff, exponent, {}};
    double miss = 0;
    for (const HotRowPoint& p : points) {
      const double sim = simulated_per_s(costs, p.clients, fit.handoff_us, exponent);
      fit.simulated_per_s.push_back(sim);
      miss += sim > 0 ? std::abs(std::log(sim / p.per_s)) : std::numeric_limits<double>::max();
    }
    if (best.simulated_per_s.empty() || miss < best_miss) {  // the first fit, whatever its miss
      best_miss = miss;
      best = fit;
    }
  }
  return best;
}

namespace {

// The value of `field` at which inserts alone (synchronous_commit `sync`) at point.clients
// run at point.per_s in simulation.
double fit_insert_cost(sim::CostModel c, bool sync, double sim::PostgresCosts::*field,
                       const HotRowPoint& point) {
  c.postgres.synchronous_commit = sync;
  return bisect_cost(
      [&](double us) {
        c.postgres.*field = us;
        return closed_loop_per_s(c, ClosedLoopWork::insert, point.clients);
      },
      point.per_s, 5000);
}

}  // namespace

double fit_insert_us(const sim::CostModel& costs, const HotRowPoint& point) {
  return fit_insert_cost(costs, false, &sim::PostgresCosts::insert_us, point);
}

double fit_wal_wake_us(const sim::CostModel& costs, const HotRowPoint& point) {
  return fit_insert_cost(costs, true, &sim::PostgresCosts::wal_wake_us, point);
}

}  // namespace likesim
