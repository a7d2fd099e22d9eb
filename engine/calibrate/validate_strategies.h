// The strategies part of `likesim validate`: every strategy of a scenario run by run_simulated
// and by run_real (the same code as `likesim run` and `likesim run --backend real`), compared
// on like and count p50/p99 and completed throughput.
//
//   std::vector<ValidationRow> rows = validate_strategies(scenario, say);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/calibrate/validate_table.h"
#include "engine/scenario/scenario.h"

namespace likesim {

// The simulated deployment is made like the real one first: as many Redis nodes as the real
// side has (one standalone node, or the cluster's), a pool of as many PostgreSQL connections.
// Throws real::BackendError / runtime_error when the real run stops early. `repeat_real`: run the
// real side twice (rows' real_again).
std::vector<ValidationRow> validate_strategies(Scenario scenario, bool repeat_real,
                                               const std::function<void(const std::string&)>& say);

}  // namespace likesim
