// The grid of a sweep: one axis per `--vary KEY=VALUES`, every combination one run.
//
// VALUES is a list (`1,2,4`), an integer range (`1..8`), a range with a step (`1..64*2`
// doubles, `0..100+25` adds) or a mix (`1..4,16,64`). Values are TOML, as in --set (a bare
// word is a string). The first --vary is the outermost loop, so run indices are stable: a run
// is the same configuration in every slice and every resumed sweep.
//
//   absl::StatusOr<VaryAxis> a = parse_vary("strategy.sharded_counter.shards=1..64*2");
//   std::vector<GridPoint> runs = grid({*a, *b});       // 7 x |b| runs
//   runs[3].overrides();                                  // {"strategy....shards=8", ...}
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace likesim {

struct VaryAxis {
  std::string key;
  std::vector<std::string> values;
};

// One run of the grid: its index and a value for each axis, in --vary order.
struct GridPoint {
  std::size_t run = 0;
  std::vector<std::pair<std::string, std::string>> values;  // key, TOML value

  std::vector<std::string> overrides() const;  // "key=value", for load_scenario
};

// The most runs one sweep may have: a typo like 1..1000000 fails at once instead of queueing
// a million runs.
inline constexpr std::size_t kMaxSweepRuns = 100'000;

// InvalidArgumentError with one line naming the --vary.
absl::StatusOr<VaryAxis> parse_vary(absl::string_view text);

// Every combination, the first axis outermost. Axes with the same key are refused by the
// caller (check_axes).
std::vector<GridPoint> grid(const std::vector<VaryAxis>& axes);

// OK, or why the axes cannot make a grid (a key twice, more than kMaxSweepRuns runs).
absl::Status check_axes(const std::vector<VaryAxis>& axes);

// `--shard K/N`: the K-th (1-based) of N slices takes the runs whose index is K-1 modulo N,
// so every slice gets its share of each axis' slow end.
struct Slice {
  std::size_t k = 1, n = 1;
  bool contains(std::size_t run) const { return run % n == k - 1; }
};
absl::StatusOr<Slice> parse_slice(absl::string_view text);

}  // namespace likesim
