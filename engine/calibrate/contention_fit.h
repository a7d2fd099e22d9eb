// Fits the simulated hot row's contention to measured throughputs: the row lock's handoff cost
// (lock_handoff_us) and how it grows with the transactions queued ahead
// (lock_contention_exponent: handoff x ahead^exponent, postgres_server.cpp), by simulating the
// same closed loop (validate_shapes.h) at each measured client count.
//
// For each exponent on a grid, the handoff is bisected until the simulated throughput at the
// middle point matches the measured one; the exponent kept is the one whose simulation misses
// the other points least (sum of |log(sim / real)|). `likesim validate` then checks the hot row
// at other client counts (4, 16, 64) than the fit used (2, 8, 32).
//
//   ContentionFit f = fit_lock_contention(costs, {{2, 5100}, {8, 4000}, {32, 2900}});
//   costs.postgres.lock_handoff_us = f.handoff_us;
#pragma once

#include <vector>

#include "engine/backends/sim/cost_model.h"

namespace likesim {

struct HotRowPoint {
  int clients = 0;
  double per_s = 0;  // measured transactions per second
};

struct ContentionFit {
  double handoff_us = 0;
  double exponent = 1;
  std::vector<double> simulated_per_s;  // at each point, with the fitted values
};

// `costs`: the calibrated PostgreSQL costs (handoff and exponent are replaced); `points` in
// rising client counts, at least two, each with per_s > 0.
ContentionFit fit_lock_contention(const sim::CostModel& costs,
                                  const std::vector<HotRowPoint>& points);

}  // namespace likesim
