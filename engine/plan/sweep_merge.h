// merge_tables: the slices of one sweep (each from `likesim sweep --shard K/N`) joined into
// the table a single process would have written, or why they cannot be.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan/sweep_table.h"

namespace likesim {

// `slices`: (file name, its table, already check_rows'd). InvalidArgumentError naming the
// file when the columns or the grid size differ, a run is in two slices, a run is in none,
// a run failed (its `error` is set) or a run lacks a strategy the others have.
absl::StatusOr<SweepTable> merge_tables(
    const std::vector<std::pair<std::string, SweepTable>>& slices);

}  // namespace likesim
