// SLO verdicts: each scenario SLO names a metric of a strategy's report that must be <= its
// limit (DESIGN.md §6). The metric names are listed once, here.
//
//   std::vector<SloVerdict> v = evaluate_slos(scenario.slos, report);
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/metrics/run_report.h"

namespace likesim {

struct SloSpec;

// like_p99_ms, like_p999_ms, count_p99_ms, status_p99_ms, staleness_p99_ms, drift_abs_max,
// lost_likes, double_counts, dedup_violations, error_rate.
std::span<const std::string_view> known_slo_metrics();
// The value of a metric for a strategy, or nullopt for an unknown name.
std::optional<double> slo_metric(std::string_view name, const StrategyReport& report);
std::vector<SloVerdict> evaluate_slos(std::span<const SloSpec> slos, const StrategyReport& report);

}  // namespace likesim
