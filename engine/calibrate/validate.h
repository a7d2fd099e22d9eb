// validate: runs the same load shapes in the simulator and against the real servers, at points
// the calibration did not fit, and compares them row by row (validate_table.h).
//
// Shapes (each a name for ValidateOptions::shapes):
//   incr               INCRBY on one key, open loop at 25, 50, 75 and 90 % of the knee: p50, p99
//   mget               MGET of 16 shard keys over the 3-node cluster at a fixed rate
//   pg_hot_row         counter_add on one row, 4, 16 and 64 clients: throughput, p50, p99
//   pg_insert          like inserts alone (no shared row), 16 clients
//   pg_insert_counter  insert + counter in one statement on one post (single_counter db's like)
//   strategies         every strategy of the scenario (real-smoke.toml): like and count p50,
//                      p99 and throughput, through run_simulated and run_real
// Each shape runs once in a SimWorld and twice in a RealWorld (once with repeat_real off, as
// --quick and --once set it; validate_shapes.h drives both),
// built from the same scenario: its costs (the cost file replaces them) and its servers. The
// second real run says how far the real figures move between two runs on this machine
// (validate_table.h: a miss the servers' own repeat cannot resolve is marked so).
//
// The knee: `knee_per_s` when set; else, with a cost file, the rate `calibrate` measured,
// which it wrote as request_us = 1/knee - command_us (so knee = 1 / (request_us + command_us));
// else measured here, on the real node, with calibrate's own search (saturation.h).
//
//   ValidateOptions o{.scenario = *load_scenario("scenarios/real-smoke.toml", {}, "/tmp/cal.toml"),
//                     .knee_from_costs = true};
//   ValidateResult r = validate(o, [](const std::string& s) { std::cerr << s; });
//   std::cout << validation_table(r.rows);
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "engine/calibrate/validate_table.h"
#include "engine/scenario/scenario.h"

namespace likesim {

inline const std::vector<std::string>& validate_shape_names() {
  static const std::vector<std::string> names = {
      "incr", "mget", "pg_hot_row", "pg_insert", "pg_insert_counter", "strategies"};
  return names;
}

struct ValidateOptions {
  Scenario scenario;  // costs, servers (real.*) and, for `strategies`, the strategies
  std::string cluster = "127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";  // for `mget`
  double knee_per_s = 0;                                                 // > 0: use this knee
  bool knee_from_costs = false;  // a cost file was loaded: its request_us encodes the knee
  bool quick = false;            // test-sized: short windows, one strategy
  bool repeat_real = true;       // measure the real servers twice: their own repeatability
  std::set<std::string> shapes;  // empty: all
};

struct ValidateResult {
  std::vector<ValidationRow> rows;
  double knee_per_s = 0;
  std::string knee_source;  // "--knee", "cost file: ...", "measured on the real node"
};

// Throws real::BackendError naming a server that cannot be used, std::runtime_error when a
// run fails.
ValidateResult validate(const ValidateOptions& options,
                        const std::function<void(const std::string&)>& say);

}  // namespace likesim
