// SweepTable: a sweep's rows (one per run and strategy) as text cells under a header, and the
// two files that hold them: CSV (RFC 4180 quoting) and JSON (an array of objects, numbers as
// numbers). A row's figures come from its own run's report alone, so a row is the same
// whichever process, slice or resumed sweep ran it.
//
//   SweepTable t{sweep_header(axes), {}};
//   t.rows.push_back(sweep_row(point, runs, scenario.config_hash, report.strategies[0]));
//   write_output(path, table_text(t, TableFormat::csv));
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/metrics/run_report.h"
#include "engine/plan/sweep_grid.h"

namespace likesim {

using SweepCells = std::vector<std::string>;

struct SweepTable {
  SweepCells header;
  std::vector<SweepCells> rows;

  std::size_t column(absl::string_view name) const;  // header.size() when absent
};

// run, runs, config_hash, the axes' keys, strategy, then the figures (sweep_row).
SweepCells sweep_header(const std::vector<VaryAxis>& axes);
SweepCells sweep_row(const GridPoint& point, std::size_t runs, const std::string& config_hash,
                     const StrategyReport& s);
// A run that could not finish: its identity, empty figures and `error`.
SweepCells failed_row(const GridPoint& point, std::size_t runs, const std::string& config_hash,
                      const std::string& strategy, const std::string& error);

// The cells every row of a sweep has before the figures: run, runs, config_hash, the axes.
inline constexpr std::size_t kRunColumn = 0, kRunsColumn = 1, kHashColumn = 2;

enum class TableFormat { csv, json };
// From the file's extension (.csv or .json); InvalidArgumentError naming `flag` otherwise.
absl::StatusOr<TableFormat> table_format(const std::string& path, absl::string_view flag);

std::string table_text(const SweepTable& table, TableFormat format);
// NotFoundError when the file cannot be read; InvalidArgumentError naming file and line.
absl::StatusOr<SweepTable> read_table(const std::string& path);

// OK when every row has the header's cells and whole run < runs; else one line naming the row.
absl::Status check_rows(const SweepTable& table, const std::string& path);

// Sorts rows by run, and within a run by `strategy_order` (names; others after, by name).
void sort_rows(SweepTable& table, const std::vector<std::string>& strategy_order);

}  // namespace likesim
