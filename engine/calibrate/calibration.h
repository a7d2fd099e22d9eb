// calibrate: measures the real servers and writes the simulator's costs from them.
//
// Redis: per-command service times from the server's own accounting (INFO commandstats
// usec_per_call after CONFIG RESETSTAT) for INCRBY, SADD, GET, MGET of 1 and 16 keys, the
// like script and the Bloom script (EVALSHA); the request overhead from the rate at which one
// key saturates under likesim's own client (open loop, median of three knees,
// engine/calibrate/saturation.h), so the simulated node saturates where the real one does; the
// network round trip from GETs paced one per millisecond as a run's driver sends them, and a
// sleeping event-loop iteration's cost from Redis's own CPU over them. PostgreSQL: the round
// trip (SELECT 1), a read statement, inserts with synchronous_commit on and off (medians: the
// difference is the WAL flush), inserts in and out of an open transaction (the difference is
// the commit's CPU), COUNT(*) over 0 and 100,000 rows (per-row cost); then closed loops, each
// simulated to fit a cost (closed_loop_fit.h): inserts at 4 connections with synchronous_commit
// off (insert_us) and at 32 with it on (wal_wake_us), and the hot row at 2, 8 and 32 (the row
// lock's handoff cost and contention exponent, and from its latencies whether its waiters are
// served in random order: lock_grant). Beside each round trip's mean it writes the
// distribution (rtt_us_quantiles; for PostgreSQL also service_quantiles, the read's spread
// beyond the round trip's) at sim::kQuantilePoints, with distribution = "empirical", so the
// simulator draws from them (engine/backends/sim/service_time.h). The arithmetic is in
// calibration_math.h. The output is a TOML cost file that `likesim run --costs` loads.
//
//   std::string toml = calibrate(CalibrationOptions{.servers = servers},
//                                [](const std::string& s) { std::cerr << s; });
#pragma once

#include <functional>
#include <string>

#include "engine/scenario/scenario.h"

namespace likesim {

struct CalibrationOptions {
  RealServers servers;
  double seconds_per_measure = 1.0;  // closed loops (hot row, inserts); knee windows take
                                     // at most 0.5 of it
  int samples = 2000;                // latency samples per measure (paced ones: in three rounds)
};

// Empties the servers' data (FLUSHALL, TRUNCATE) like a real run. Throws BackendError naming
// a server that cannot be used.
std::string calibrate(const CalibrationOptions& options,
                      const std::function<void(const std::string&)>& say);

}  // namespace likesim
