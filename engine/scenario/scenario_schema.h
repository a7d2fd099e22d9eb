// The numeric keys a scenario may hold, each with its finite range: one table, so the range of
// a key is stated once, checked in one place (ValueReader) and enumerated by the tests (every
// key gets fed inf, nan, 1e300, 0, negatives and a string, so a new key cannot escape them).
//
// A key is found by its section and name. Sections are "" (the top level), "workload",
// "workload.steady", "workload.celebrity", "backends.redis", "backends.postgres",
// "backends.kafka", "real", "strategy.KIND" (KIND is the strategy's kind, whatever its name),
// "fault" (every [[fault]] table) and "slo". Reading a numeric key that is not in the table is a
// programming error (an assert and an exception): add its row to scenario_schema.cpp.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace likesim {

struct NumericRange {
  double lo = 0;
  double hi = 0;
  bool integer = false;  // TOML integers only (a float, even 2.0, is the wrong type)
  bool lo_open = false;  // (lo, hi]: lo itself is not allowed (a zero that makes no sense)
  bool hi_open = false;  // [lo, hi): used for fault times, which must fall before duration_s

  bool contains(double x) const {
    return (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
  }
  // "[0.001, 2592000]", "(0, 10]": the interval as the error messages show it.
  std::string describe() const;
};

struct NumericKey {
  std::string_view section;
  std::string_view key;
  NumericRange range;
};

// Every numeric key, in file order of the schema (sections as in scenario.h).
std::span<const NumericKey> numeric_keys();
// The key's row; throws std::logic_error when it has none (a key read without a range).
const NumericKey& numeric_key(std::string_view section, std::string_view key);

// A number as the messages show it: up to 12 significant digits, no exponent below 1e12.
std::string format_number(double x);

// Upper bound on the time-series intervals of one run (duration_s / interval_ms): each holds a
// sample of every series, so more would cost memory rather than add detail.
inline constexpr double kMaxIntervals = 1e6;
// 10 s for one operation: far past any server. Every *_us cost and every measured quantile.
inline constexpr double kMaxCostUs = 10'000'000;

}  // namespace likesim
