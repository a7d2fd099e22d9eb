#include "engine/plan/sweep_merge.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"

namespace likesim {

absl::StatusOr<SweepTable> merge_tables(
    const std::vector<std::pair<std::string, SweepTable>>& slices) {
  if (slices.empty()) return absl::InvalidArgumentError("no slices to merge");
  SweepTable merged{slices.front().second.header, {}};
  const std::size_t strategy = merged.column("strategy");
  if (strategy >= merged.header.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(slices.front().first, ": not a likesim sweep table (no strategy column)"));
  }
  std::string runs;
  std::map<std::pair<std::uint64_t, std::string>, std::string> seen;  // (run, strategy) -> file
  std::vector<std::string> strategy_order;  // as the rows of the first run list them
  std::uint64_t first_run = UINT64_MAX;
  for (const auto& [path, table] : slices) {
    if (table.header != merged.header) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": its columns differ from ", slices.front().first, "'s: slices of another sweep"));
    }
    for (const SweepCells& row : table.rows) {
      if (runs.empty()) runs = row[kRunsColumn];
      if (row[kRunsColumn] != runs) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": a grid of ", row[kRunsColumn],
                                                       " runs, not ", runs, ": another sweep"));
      }
      if (!row.back().empty()) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": run ", row[kRunColumn], " (",
                                                       row[strategy], ") failed: ", row.back(),
                                                       "; --resume that slice to run it again"));
      }
      const std::uint64_t run = std::stoull(row[kRunColumn]);
      const auto [at, added] = seen.emplace(std::make_pair(run, row[strategy]), path);
      if (!added) {
        return absl::InvalidArgumentError(absl::StrCat("run ", run, " (", row[strategy], ") is in ",
                                                       at->second, " and in ", path));
      }
      if (run < first_run) {
        first_run = run;
        strategy_order.clear();
      }
      if (run == first_run) strategy_order.push_back(row[strategy]);
      merged.rows.push_back(row);
    }
  }
  // Every run of the grid, each with the same strategies.
  if (runs.empty()) return absl::InvalidArgumentError("the slices hold no rows");
  const std::uint64_t n = std::stoull(runs);
  const std::set<std::string> names(strategy_order.begin(), strategy_order.end());
  for (std::uint64_t run = 0; run < n; ++run) {
    for (const std::string& name : names) {
      if (!seen.count({run, name})) {
        return absl::InvalidArgumentError(
            absl::StrCat("run ", run, " (", name, ") of ", n,
                         " is in no slice: run its slice (or --resume it) and merge again"));
      }
    }
  }
  if (seen.size() != n * names.size()) {
    return absl::InvalidArgumentError("the slices' runs do not all have the same strategies");
  }
  sort_rows(merged, strategy_order);
  return merged;
}

}  // namespace likesim
