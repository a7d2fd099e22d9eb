// The load shapes `likesim validate` offers, each written once against a World (world.h), so
// the simulated and the real run of a point differ only in the world they are given.
//
//   open loop (a run's driver): requests start at their intended (Poisson) times, however far
//     behind the servers are; latency is measured from the intended time (DESIGN.md §4).
//   closed loop (a connection pool's clients): `clients` loops, each issuing its next
//     statement when the last one answers; latency is per statement.
//
// The first tenth of each window is a warm-up, left out of the latencies and the throughput.
//
//   SimWorld world(costs, seed, 1);
//   ShapeFigures f = offer_open_loop(world, OpenLoopWork::incr_one_key, 40000, 1s);
//   f.latency.value_at_percentile(99.0);   // µs
#pragma once

#include <cstdint>

#include "engine/backends/db.h"
#include "engine/calibrate/saturation.h"
#include "engine/core/sim_time.h"
#include "engine/metrics/latency_histogram.h"
#include "engine/run/world.h"

namespace likesim {

struct ShapeFigures {
  LatencyHistogram latency;  // ok answers, µs: open loop, of requests intended in the
                             // measured part; closed loop, answered in it
  // Open loop: how late each request was sent after its intended time, µs. A real client
  // short of CPU sends late, and that lateness is in its latencies (not the servers').
  LatencyHistogram send_lag;
  LatencyHistogram from_send;  // open loop: latency from the actual send, µs
  std::uint64_t answered = 0;  // ok answers that came inside the measured part
  std::uint64_t failed = 0;    // any status but ok, anywhere in the window
  double measured_s = 0;       // length of the measured part

  double throughput() const {
    return measured_s > 0 ? static_cast<double>(answered) / measured_s : 0;
  }
  double p50() const { return static_cast<double>(latency.value_at_percentile(50.0)); }
  double p99() const { return static_cast<double>(latency.value_at_percentile(99.0)); }
};

enum class OpenLoopWork : std::uint8_t {
  incr_one_key,  // INCRBY on one key: the single-key saturation shape
  mget_shards,   // MGET of a post's 16 shard keys (spread over the cluster's slots)
};

// Offers `work` at `rate` per second for `window` and waits (up to a minute) for every
// answer. Throws std::runtime_error when the answers do not all come back.
ShapeFigures offer_open_loop(World& world, OpenLoopWork work, double rate, Duration window);

enum class ClosedLoopWork : std::uint8_t {
  hot_row,         // counter_add(+1) on one counter row: the row lock serialises
  insert,          // insert_like of distinct (post, user) pairs: no shared row
  insert_counter,  // insert_like_and_increment on one post: single_counter (db)'s like
};

ShapeFigures run_closed_loop(World& world, ClosedLoopWork work, int clients, Duration window);
// The same on any runtime and Db (calibrate's own connections), driven by `run_until`. Throws
// std::runtime_error when answers are missing a minute after the window.
ShapeFigures run_closed_loop(Runtime& rt, Db db, ClosedLoopWork work, int clients, Duration window,
                             RunWorldUntil run_until);

}  // namespace likesim
