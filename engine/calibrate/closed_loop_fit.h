// Fits simulated PostgreSQL costs to measured closed-loop throughputs, by simulating the same
// closed loop (validate_shapes.h) and bisecting the cost (throughput falls as it grows).
//
// fit_lock_contention: the hot row's contention. The row lock's handoff cost
// (lock_handoff_us) and how it grows with the transactions queued ahead
// (lock_contention_exponent: handoff x ahead^exponent, postgres_server.cpp), by simulating the
// same closed loop (validate_shapes.h) at each measured client count.
//
// For each exponent on a grid, the handoff is bisected until the simulated throughput at the
// middle point matches the measured one; the exponent kept is the one whose simulation misses
// the other points least (sum of |log(sim / real)|). `likesim validate` then checks the hot row
// at other client counts (4, 16, 64) than the fit used (2, 8, 32).
//
// fit_insert_us: the CPU of a like insert, from inserts alone (no shared row) at a few clients
// with synchronous_commit off, where the CPUs, not the WAL flush, set the pace.
// fit_wal_wake_us: then, with it on, the wake-up of each commit a flush made durable
// (wal_wake_us), from inserts at many clients (calibrate: 32), where the wake-ups of a large
// group set the pace. validate checks inserts at 16 clients.
//
//   ContentionFit f = fit_lock_contention(costs, {{2, 5100}, {8, 4000}, {32, 2900}});
//   costs.postgres.lock_handoff_us = f.handoff_us;
//   costs.postgres.insert_us = fit_insert_us(costs, {4, 15000});
//   costs.postgres.wal_wake_us = fit_wal_wake_us(costs, {4, 9000});
#pragma once

#include <vector>

#include "engine/backends/sim/cost_model.h"

namespace likesim {

struct HotRowPoint {  // a closed loop's measured figure
  int clients = 0;
  double per_s = 0;  // transactions per second
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

// insert_us such that `point.clients` closed loops of inserts (synchronous_commit off) run at
// point.per_s in simulation; 0 if even free inserts are slower.
double fit_insert_us(const sim::CostModel& costs, const HotRowPoint& point);

// wal_wake_us such that `point.clients` closed loops of inserts (synchronous_commit on)
// run at point.per_s in simulation; 0 if even without it they are slower.
double fit_wal_wake_us(const sim::CostModel& costs, const HotRowPoint& point);

}  // namespace likesim
