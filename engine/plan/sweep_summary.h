// sweep_summary: a sweep's table for the terminal, one aligned line per row with the figures a
// planner reads first (knobs, like and count p99, throughput, lost and double counted likes,
// the busiest backend, the SLO verdict). The whole table is in the CSV/JSON.
#pragma once

#include <string>

#include "engine/plan/sweep_table.h"

namespace likesim {

std::string sweep_summary(const SweepTable& table);

}  // namespace likesim
