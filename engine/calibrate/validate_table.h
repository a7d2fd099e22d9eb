// The comparison `likesim validate` prints: one row per shape, point and metric, with the
// simulated and the real figure, the error and a verdict against the goals.
//
//   error % = (sim - real) / real * 100   (positive: the simulator says more than the servers)
//   goals:  throughput |error| <= 20 %,  p50 <= 30 %,  p99 <= 50 %
//   repeat % = (real again - real) / real * 100: the real servers measured a second time, the
//     same way. A miss whose repeat is past the goal as well is one the machine cannot
//     resolve: the servers disagreed with themselves by more than the goal allows.
//
//   std::vector<ValidationRow> rows = {{"incr", "25% of knee", Metric::p50, 31, 28}};
//   std::cout << validation_table(rows);
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace likesim {

enum class Metric : std::uint8_t { throughput, p50, p99 };

struct ValidationRow {
  std::string shape;  // e.g. "incr", "pg_hot_row", "strategy single_counter_redis"
  std::string point;  // e.g. "50% of knee (41,000/s)", "16 clients", "like"
  Metric metric = Metric::p50;
  double sim = 0;  // throughput in ops/s, latencies in µs
  double real = 0;
  std::string note{};  // why this row is special (in-sample, real client behind), or empty
  double real_again = std::numeric_limits<double>::quiet_NaN();  // NaN: measured once
};

enum class Verdict : std::uint8_t { ok, miss, no_data };

const char* metric_name(Metric m);  // "throughput/s", "p50 us", "p99 us"
double goal_percent(Metric m);      // 20, 30, 50
// (sim - real) / real * 100; NaN when either is not finite or real <= 0.
double error_percent(double sim, double real);
// ok when |error| <= the metric's goal; no_data when the error is NaN.
Verdict verdict(const ValidationRow& row);
const char* verdict_name(Verdict v);  // "ok", "MISS", "n/a"

// The real figure's own repeatability: (real_again - real) / real * 100, NaN if measured once.
double repeat_percent(const ValidationRow& row);
// A miss the real servers cannot resolve: their repeat differs by more than the goal.
bool unresolved_by_real(const ValidationRow& row);

struct VerdictCounts {
  int ok = 0, miss = 0, no_data = 0;
  int miss_unresolved = 0;  // of the misses, unresolved_by_real()
};
VerdictCounts count_verdicts(const std::vector<ValidationRow>& rows);

// The table, aligned, with a header and a last line counting the verdicts.
std::string validation_table(const std::vector<ValidationRow>& rows);
// {"rows": [{shape, point, metric, sim, real, real_again, error_pct, repeat_pct, goal_pct,
//  verdict, unresolved_by_real, note}], "ok": n, "miss": n, "miss_unresolved": n, "no_data": n};
//  a NaN is null.
nlohmann::ordered_json validation_json(const std::vector<ValidationRow>& rows);

}  // namespace likesim
