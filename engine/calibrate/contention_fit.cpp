#include "engine/calibrate/contention_fit.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "engine/calibrate/validate_shapes.h"
#include "engine/run/sim_world.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

// The simulated hot row's throughput at `clients`, each with a connection of its own.
double simulated_per_s(sim::CostModel costs, int clients, double handoff_us, double exponent) {
  costs.postgres.pool_size = clients;
  costs.postgres.lock_handoff_us = handoff_us;
  costs.postgres.lock_contention_exponent = exponent;
  SimWorld world(costs, 1, 1);
  return run_closed_loop(world, ClosedLoopWork::hot_row, clients, 1s).throughput();
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
    double lo = 0, hi = kMaxHandoffUs;
    if (simulated_per_s(costs, m.clients, 0, exponent) <= m.per_s) {
      hi = 0;  // even a free handoff is slower than measured
    } else {
      for (int i = 0; i < 24; ++i) {
        const double mid = (lo + hi) / 2;
        (simulated_per_s(costs, m.clients, mid, exponent) > m.per_s ? lo : hi) = mid;
      }
    }
    ContentionFit fit{hi, exponent, {}};
    double miss = 0;
    for (const HotRowPoint& p : points) {
      const double sim = simulated_per_s(costs, p.clients, fit.handoff_us, exponent);
      fit.simulated_per_s.push_back(sim);
      miss += sim > 0 ? std::abs(std::log(sim / p.per_s)) : std::numeric_limits<double>::max();
    }
    if (miss < best_miss) {
      best_miss = miss;
      best = fit;
    }
  }
  return best;
}

}  // namespace likesim
