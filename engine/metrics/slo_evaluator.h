// SLO verdicts: each scenario SLO names a metric of a strategy's report that must be <= its
// limit (DESIGN.md §6). The metric names are listed once, here; the scenario loader accepts
// exactly these (is_known_slo in engine/scenario/scenario.h), the runner asks for the verdicts
// after a strategy's report is built, and the reporters only print them.
//
//   std::vector<SloVerdict> v = evaluate_slos(scenario.slos, report);  // any {name, limit}
//   SloVerdict one = evaluate_slo("like_p99_ms", 200, report);
//   for (std::string_view m : known_slo_metrics()) ...;
//
// The specs are taken as any range of objects with `name` and `limit` (engine/run's SloSpec),
// so that metrics does not depend on the runner's scenario type (DESIGN.md §1's arrows).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/metrics/run_report.h"

namespace likesim {

// like_p99_ms, like_p999_ms, count_p99_ms, status_p99_ms   latency from the intended send time
// staleness_p99_ms                                          of count reads, ms
// drift_abs_max                                             |reported - true| over all reads
// lost_likes, double_counts, dedup_violations               from the final check
// lost_unlikes, posts_wrong                                  from the final check
// wrong_answers                                              answers contradicting the truth
// error_rate                                                failed / answered, all operations
std::span<const std::string_view> known_slo_metrics();
// The value of a metric for a strategy, or nullopt for a name not in known_slo_metrics().
std::optional<double> slo_metric(std::string_view name, const StrategyReport& report);
// value <= limit passes. An unknown metric cannot be checked: its value is NaN (null in the
// JSON) and it fails.
SloVerdict evaluate_slo(std::string_view name, double limit, const StrategyReport& report);

template <class Specs>
std::vector<SloVerdict> evaluate_slos(const Specs& slos, const StrategyReport& report) {
  std::vector<SloVerdict> out;
  for (const auto& s : slos) out.push_back(evaluate_slo(s.name, s.limit, report));
  return out;
}

}  // namespace likesim
