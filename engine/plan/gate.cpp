#include "engine/plan/gate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/plan/mann_whitney.h"

namespace likesim {
namespace {

// Reports a side below which the one-sided test can hardly reach p < 0.05 (at 3 against 3 its
// smallest p is exactly 0.05); google/benchmark's compare.py warns below 9.
constexpr std::size_t kFewReports = 5;
constexpr double kRealTolerance = 0.10;
// A latency may move by one microsecond (the histogram's resolution) whatever the tolerance.
constexpr double kLatencyFloorUs = 1.0;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double relative_change(double baseline, double now) {
  if (baseline == now) return 0;
  if (baseline == 0)
    return now > 0 ? std::numeric_limits<double>::infinity()
                   : -std::numeric_limits<double>::infinity();
  return (now - baseline) / std::abs(baseline);
}

void judge(GateRow& row, const std::vector<double>& base, const std::vector<double>& now,
           const GateResult& r) {
  switch (figure_kind(row.figure)) {
    case FigureKind::count: {
      row.baseline = *std::max_element(base.begin(), base.end());
      row.now = *std::max_element(now.begin(), now.end());
      row.change = relative_change(row.baseline, row.now);
      if (row.now > row.baseline) {
        row.verdict = GateVerdict::regression;
        row.why = "a count that must never grow";
      } else if (row.now < row.baseline) {
        row.verdict = GateVerdict::better;
      }
      return;
    }
    case FigureKind::slo: {
      row.baseline = *std::min_element(base.begin(), base.end());
      row.now = *std::min_element(now.begin(), now.end());
      row.change = row.now - row.baseline;
      if (row.now < row.baseline) {
        row.verdict = GateVerdict::regression;
        row.why = "the SLO passed and now fails";
      } else if (row.now > row.baseline) {
        row.verdict = GateVerdict::better;
      }
      return;
    }
    case FigureKind::latency:
    case FigureKind::throughput:
      break;
  }
  const bool higher_is_worse = figure_kind(row.figure) == FigureKind::latency;
  row.baseline = median(base);
  row.now = median(now);
  row.change = relative_change(row.baseline, row.now);
  if (row.change == 0) return;
  const bool worse = higher_is_worse ? row.change > 0 : row.change < 0;
  if (!worse) {
    row.verdict = GateVerdict::better;
    return;
  }
  const bool beyond = higher_is_worse
                          ? row.change > r.tolerance && row.now - row.baseline >= kLatencyFloorUs
                          : row.change < -r.tolerance;
  if (!beyond) {
    row.verdict = GateVerdict::within;
    return;
  }
  if (r.statistical) {
    row.p_value =
        higher_is_worse ? mann_whitney_greater(now, base) : mann_whitney_greater(base, now);
    if (*row.p_value >= r.alpha) {
      row.verdict = GateVerdict::not_significant;
      return;
    }
  }
  row.verdict = GateVerdict::regression;
  row.why =
      absl::StrFormat("%s beyond %g %%%s", higher_is_worse ? "grew" : "fell", r.tolerance * 100,
                      row.p_value ? absl::StrFormat(", p = %.3g", *row.p_value) : "");
}

const char* verdict_name(GateVerdict v) {
  switch (v) {
    case GateVerdict::same:
      return "same";
    case GateVerdict::better:
      return "better";
    case GateVerdict::within:
      return "within tolerance";
    case GateVerdict::not_significant:
      return "not significant";
    case GateVerdict::regression:
      return "REGRESSION";
  }
  return "?";
}

std::string format_value(const std::string& figure, double v) {
  if (figure_kind(figure) == FigureKind::slo) return v >= 1 ? "pass" : "FAIL";
  // Microseconds of a slow run reach millions: whole numbers there, never 1.26874e+06.
  return std::abs(v) >= 1e5 ? absl::StrFormat("%.0f", v) : absl::StrFormat("%.6g", v);
}

std::string format_change(const GateRow& row) {
  switch (figure_kind(row.figure)) {
    case FigureKind::slo:
      return row.change == 0 ? "" : (row.change > 0 ? "now passes" : "now fails");
    case FigureKind::count:
      return row.now == row.baseline ? "" : absl::StrFormat("%+.6g", row.now - row.baseline);
    case FigureKind::latency:
    case FigureKind::throughput:
      break;
  }
  if (row.change == 0) return "";
  if (std::isinf(row.change)) return row.change > 0 ? "from 0" : "to 0";
  return absl::StrFormat("%+.1f%%", row.change * 100);
}

}  // namespace

absl::StatusOr<GateResult> compare_figures(const GateFigures& baseline, const GateFigures& now,
                                           const GateOptions& options) {
  if (const std::string why = identity_mismatch(baseline.identity, now.identity); !why.empty()) {
    return absl::InvalidArgumentError("not the baseline's configuration: " + why);
  }
  // A gate that compares nothing would pass every change.
  if (baseline.strategies.empty())
    return absl::InvalidArgumentError("the baseline holds no strategy");
  GateResult r;
  r.identity = baseline.identity;
  const bool real = baseline.identity.backend == "real";
  r.tolerance = options.tolerance.value_or(real ? kRealTolerance : 0.0);
  r.alpha = options.alpha;
  r.baseline_reports = baseline.reports;
  r.reports = now.reports;
  r.statistical = real && baseline.reports >= 2 && now.reports >= 2;
  if (real && !r.statistical) {
    r.notes.push_back(
        "real runs, one report on a side: latency and throughput are judged by the tolerance "
        "alone, with no test of significance (give several --report on each side; 9 or more "
        "is better)");
  } else if (r.statistical && std::min(baseline.reports, now.reports) < kFewReports) {
    r.notes.push_back(absl::StrCat("only ", std::min(baseline.reports, now.reports),
                                   " reports on a side: the test can rarely reach p < ", r.alpha,
                                   ", so a real regression may pass (9 or more is better)"));
  }
  for (const auto& [strategy, base_figures] : baseline.strategies) {
    const auto found = now.strategies.find(strategy);
    if (found == now.strategies.end()) {
      return absl::InvalidArgumentError("strategy " + strategy +
                                        " is in the baseline but not in the report");
    }
    const auto& now_figures = found->second;
    for (const auto& [figure, base_samples] : base_figures) {
      GateRow row;
      row.strategy = strategy;
      row.figure = figure;
      const auto it = now_figures.find(figure);
      if (it == now_figures.end()) {
        row.baseline = median(base_samples);
        row.verdict = GateVerdict::regression;
        row.why = "not in the report (no answer of that op, or the SLO is gone)";
      } else {
        judge(row, base_samples, it->second, r);
      }
      if (row.verdict == GateVerdict::regression) ++r.regressions;
      r.rows.push_back(std::move(row));
    }
    for (const auto& [figure, samples] : now_figures) {
      if (!base_figures.contains(figure)) {
        r.notes.push_back(strategy + " " + figure + " is not in the baseline: not gated");
      }
    }
  }
  for (const auto& [strategy, figures] : now.strategies) {
    if (!baseline.strategies.contains(strategy)) {
      r.notes.push_back("strategy " + strategy + " is not in the baseline: not gated");
    }
  }
  return r;
}

std::string gate_table(const GateResult& r, bool all) {
  const GateIdentity& id = r.identity;
  std::string out = absl::StrFormat(
      "gate: %s (config %s, seed %d, %s, %s): %d baseline and %d new report(s); tolerance "
      "%g %%%s\n",
      id.scenario, id.config_hash, id.seed, id.backend, id.build_type, r.baseline_reports,
      r.reports, r.tolerance * 100,
      r.statistical
          ? absl::StrFormat(", one-sided Mann-Whitney U at alpha %g", r.alpha)
          : (id.backend == "sim" ? " (simulated: the figures are exact for a seed)" : ""));
  int moved = 0, better = 0;
  std::string rows;
  for (const GateRow& row : r.rows) {
    if (row.verdict == GateVerdict::within || row.verdict == GateVerdict::not_significant) ++moved;
    if (row.verdict == GateVerdict::better) ++better;
    if (!all && row.verdict == GateVerdict::same) continue;
    std::string verdict = verdict_name(row.verdict);
    if (row.p_value) verdict += absl::StrFormat(" (p %.3g)", *row.p_value);
    if (!row.why.empty()) verdict += ": " + row.why;
    rows += absl::StrFormat("%-22s %-28s %12s %12s %11s  %s\n", row.strategy, row.figure,
                            format_value(row.figure, row.baseline),
                            format_value(row.figure, row.now), format_change(row), verdict);
  }
  if (!rows.empty()) {
    out += absl::StrFormat("%-22s %-28s %12s %12s %11s  %s\n", "strategy", "figure", "baseline",
                           "now", "change", "verdict");
    out += rows;
  }
  for (const std::string& note : r.notes) out += "note: " + note + "\n";
  out += absl::StrFormat(
      "gate: %s: %d of %d figures regressed (%d moved within the rules, %d "
      "better)\n",
      r.regressions > 0 ? "REGRESSION" : "pass", r.regressions, r.rows.size(), moved, better);
  return out;
}

nlohmann::ordered_json gate_json(const GateResult& r, const GateFigures& now) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["verdict"] = r.regressions > 0 ? "regression" : "pass";
  j["identity"] = {{"scenario", r.identity.scenario},
                   {"config_hash", r.identity.config_hash},
                   {"seed", r.identity.seed},
                   {"backend", r.identity.backend},
                   {"build_type", r.identity.build_type}};
  j["tolerance"] = r.tolerance;
  j["statistical"] = r.statistical;
  j["alpha"] = r.alpha;
  j["baseline_reports"] = r.baseline_reports;
  j["reports"] = r.reports;
  j["regressions"] = r.regressions;
  Json rows = Json::array();
  for (const GateRow& row : r.rows) {
    Json one = {{"strategy", row.strategy},
                {"figure", row.figure},
                {"baseline", row.baseline},
                {"now", row.now},
                {"change", std::isinf(row.change) ? Json(nullptr) : Json(row.change)},
                {"verdict", verdict_name(row.verdict)}};
    if (row.p_value) one["p_value"] = *row.p_value;
    if (!row.why.empty()) one["why"] = row.why;
    rows.push_back(std::move(one));
  }
  j["rows"] = std::move(rows);
  j["notes"] = r.notes;
  Json bmf = Json::object();
  for (const auto& [strategy, figures] : now.strategies) {
    Json measures = Json::object();
    for (const auto& [figure, samples] : figures) {
      measures[figure] = {{"value", median(samples)},
                          {"lower_value", *std::min_element(samples.begin(), samples.end())},
                          {"upper_value", *std::max_element(samples.begin(), samples.end())}};
    }
    bmf[r.identity.scenario + "/" + strategy] = std::move(measures);
  }
  j["bmf"] = std::move(bmf);
  return j;
}

}  // namespace likesim
