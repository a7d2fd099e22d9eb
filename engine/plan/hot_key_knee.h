// hot_key_knee: the like rate of a celebrity post at which a strategy's busiest Redis node
// saturates, from the cost model alone — the analytic line `likesim plan` prints beside the
// simulated headroom (planning notes §3b: "simulated knee vs analytic knee").
//
// The hot post's like path is laid onto the nodes the simulated cluster would use (the same
// hash slots): per like, each request's service time (request_us + the command's cost) times the
// share of likes that send it there, plus the hot post's count reads (reads_per_like) where
// they reach Redis. The busiest node's work per like W gives the capacity 1/W; the node as an
// M/D/1 queue (Poisson arrivals, its mean request time as a constant service) gives the knee:
// the like rate at which its waiting time's p99 reaches the like p99 SLO, less the like's own
// unloaded path. The p99 comes from the Cramér–Lundberg tail P(W > t) ~ C exp(-gamma t), which
// is close for M/D/1 at the 1 % tail.
//
// What it ignores, so the simulated knee may differ: the background traffic on the same
// nodes (a few per cent of a node in celebrity.toml), a like's two requests queueing on one
// node (two waits, not one), the mix of service times on a node (M/D/1 takes their mean),
// cached count reads (one MGET per TTL), flushes (write_buffered), PostgreSQL on the path, and
// that a finite hold never reaches M/D/1's steady state near rho = 1 — a run slightly past
// capacity for 20 s builds a queue of only 20 s x the excess, so it may pass.
//
//   HotKeyKnee k = hot_key_knee(scenario, scenario.strategies[0]);
//   if (k.available) std::cout << k.knee << " likes/s, service " << k.service_us << " us\n";
#pragma once

#include <string>

#include "engine/scenario/scenario.h"

namespace likesim {

struct HotKeyKnee {
  bool available = false;
  std::string why_not;             // "no analytic knee for async_log (...)"
  int node = 0;                    // the busiest node
  int nodes = 1;                   // of the cluster
  double us_per_like = 0;          // W: the busiest node's work per hot like, µs
  double requests_per_like = 0;    // requests per hot like on that node
  double service_us = 0;           // their mean service time: W / requests_per_like
  double capacity = 0;             // likes/s at which that node is always busy: 1e6 / W
  double knee = 0;                 // likes/s at which its M/D/1 wait p99 reaches the limit
  double latency_limit_ms = 0;     // the like p99 SLO (0: none, knee = capacity)
  double unloaded_latency_us = 0;  // one like's round trips and service times, no queue
  std::string path;                // what a like sends, e.g. "SADD on 1 of 16 sets + INCRBY ..."
};

// Throws nothing; a strategy or workload it cannot model gives available = false and why.
HotKeyKnee hot_key_knee(const Scenario& scenario, const StrategyConfig& config);

// M/D/1 with arrival rate `lambda` (/s) and service time `d` (s), rho = lambda d < 1: the
// waiting time's quantile q (0.99 = p99), in seconds (Cramér–Lundberg approximation).
double md1_wait_quantile(double lambda, double d, double q);
// The arrival rate at which md1_wait_quantile reaches `wait_s`.
double md1_rate_for_wait(double d, double wait_s, double q);

}  // namespace likesim
