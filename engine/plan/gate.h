// compare_figures: the decision of `likesim gate`, a report (or several) against a baseline.
//
// Latency percentiles may grow and throughput may fall by at most the tolerance (relative;
// default 0 for simulated runs, whose figures are exact for a seed, 10 % for real ones); the
// final check's lost and double counts and the wrong answers never above the baseline; an SLO
// that passed must still pass. Real runs are noisy: with two or more reports a side, a latency
// or throughput figure regresses only when it is both beyond the tolerance and significant (a
// one-sided Mann-Whitney U test, p < alpha), so noise alone never fails a build.
//
//   absl::StatusOr<GateResult> r = compare_figures(baseline, now, {});
//   std::cout << gate_table(*r, false);
//   return r->regressions > 0 ? 1 : 0;
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan/gate_figures.h"

namespace likesim {

struct GateOptions {
  std::optional<double> tolerance;  // relative (0.1 = 10 %); unset: 0 sim, 0.1 real
  double alpha = 0.05;              // significance, real runs with >= 2 reports a side
};

enum class GateVerdict {
  same,             // no change
  better,           // moved the good way
  within,           // moved the bad way, within the tolerance (or a count that fell to it)
  not_significant,  // beyond the tolerance, but the test cannot tell it from noise
  regression,
};

struct GateRow {
  std::string strategy;
  std::string figure;
  double baseline = 0;  // median of the samples (counts: the largest; SLOs: 1 if all pass)
  double now = 0;
  double change = 0;              // (now - baseline) / baseline; 0 when both are 0
  std::optional<double> p_value;  // of the one-sided test, when one was made
  GateVerdict verdict = GateVerdict::same;
  std::string why;  // for a regression: the rule it broke
};

struct GateResult {
  GateIdentity identity;
  double tolerance = 0;
  bool statistical = false;  // real reports, two or more a side
  double alpha = 0.05;
  std::size_t baseline_reports = 0, reports = 0;
  std::vector<GateRow> rows;       // every figure compared, strategy then figure order
  std::vector<std::string> notes;  // what was not gated, and why a decision is weak
  int regressions = 0;
};

// InvalidArgumentError (one line) when the two are not the same configuration or the report
// lacks a strategy of the baseline.
absl::StatusOr<GateResult> compare_figures(const GateFigures& baseline, const GateFigures& now,
                                           const GateOptions& options);

// The table of what moved (every figure with `all`), the notes, and a verdict line.
std::string gate_table(const GateResult& result, bool all);

// The same as JSON, with a `bmf` block ({benchmark: {measure: {value, lower_value,
// upper_value}}}, Bencher's metric format) of the report side's figures.
nlohmann::ordered_json gate_json(const GateResult& result, const GateFigures& now);

}  // namespace likesim
