#include "engine/calibrate/validate_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace likesim {

const char* metric_name(Metric m) {
  switch (m) {
    case Metric::throughput:
      return "throughput/s";
    case Metric::p50:
      return "p50 us";
    case Metric::p99:
      return "p99 us";
  }
  return "?";
}

double goal_percent(Metric m) {
  switch (m) {
    case Metric::throughput:
      return 20;
    case Metric::p50:
      return 30;
    case Metric::p99:
      return 50;
  }
  return 0;
}

double error_percent(double sim, double real) {
  if (!std::isfinite(sim) || !std::isfinite(real) || real <= 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return (sim - real) / real * 100.0;
}

Verdict verdict(const ValidationRow& row) {
  const double e = error_percent(row.sim, row.real);
  if (std::isnan(e)) return Verdict::no_data;
  return std::abs(e) <= goal_percent(row.metric) ? Verdict::ok : Verdict::miss;
}

double repeat_percent(const ValidationRow& row) { return error_percent(row.real_again, row.real); }

bool unresolved_by_real(const ValidationRow& row) {
  const double r = repeat_percent(row);
  return verdict(row) == Verdict::miss && !std::isnan(r) && std::abs(r) > goal_percent(row.metric);
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::ok:
      return "ok";
    case Verdict::miss:
      return "MISS";
    case Verdict::no_data:
      return "n/a";
  }
  return "?";
}

VerdictCounts count_verdicts(const std::vector<ValidationRow>& rows) {
  VerdictCounts c;
  for (const ValidationRow& r : rows) {
    switch (verdict(r)) {
      case Verdict::ok:
        ++c.ok;
        break;
      case Verdict::miss:
        ++c.miss;
        if (unresolved_by_real(r)) ++c.miss_unresolved;
        break;
      case Verdict::no_data:
        ++c.no_data;
        break;
    }
  }
  return c;
}

namespace {

std::string number(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f" : "%.1f", v);
  return buf;
}

std::string percent(double e) {
  if (std::isnan(e)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", e);
  return buf;
}

}  // namespace

std::string validation_table(const std::vector<ValidationRow>& rows) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"shape", "point", "metric", "sim", "real", "error", "again", "repeat", "goal",
                   "verdict", "note"});
  for (const ValidationRow& r : rows) {
    char goal[16];
    std::snprintf(goal, sizeof goal, "%.0f%%", goal_percent(r.metric));
    std::string v = verdict_name(verdict(r));
    if (unresolved_by_real(r)) v += " (real unsteady)";
    cells.push_back({r.shape, r.point, metric_name(r.metric), number(r.sim), number(r.real),
                     percent(error_percent(r.sim, r.real)), number(r.real_again),
                     percent(repeat_percent(r)), goal, v, r.note});
  }
  std::vector<std::size_t> width(cells[0].size(), 0);
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  // Text columns left-aligned, figures right-aligned.
  auto right = [](std::size_t i) { return i >= 3 && i <= 8; };
  std::string out;
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - row[i].size(), ' ');
      if (i) line += "  ";
      line += right(i) ? pad + row[i] : row[i] + (i + 1 < row.size() ? pad : "");
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  const VerdictCounts c = count_verdicts(rows);
  out += std::to_string(c.ok) + " ok, " + std::to_string(c.miss) + " missed (" +
         std::to_string(c.miss_unresolved) +
         " where the real servers' second run differed from their first by more than the "
         "goal), " +
         std::to_string(c.no_data) +
         " without data (error = (sim - real) / real; repeat = (again - real) / real)\n";
  return out;
}

nlohmann::ordered_json validation_json(const std::vector<ValidationRow>& rows) {
  nlohmann::ordered_json out;
  out["rows"] = nlohmann::ordered_json::array();
  for (const ValidationRow& r : rows) {
    nlohmann::ordered_json j;
    j["shape"] = r.shape;
    j["point"] = r.point;
    j["metric"] = metric_name(r.metric);
    j["sim"] = std::isfinite(r.sim) ? nlohmann::ordered_json(r.sim) : nullptr;
    j["real"] = std::isfinite(r.real) ? nlohmann::ordered_json(r.real) : nullptr;
    j["real_again"] = std::isfinite(r.real_again) ? nlohmann::ordered_json(r.real_again) : nullptr;
    const double e = error_percent(r.sim, r.real);
    j["error_pct"] = std::isnan(e) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e);
    const double rep = repeat_percent(r);
    j["repeat_pct"] =
        std::isnan(rep) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(rep);
    j["goal_pct"] = goal_percent(r.metric);
    j["verdict"] = verdict_name(verdict(r));
    j["unresolved_by_real"] = unresolved_by_real(r);
    j["note"] = r.note;
    out["rows"].push_back(std::move(j));
  }
  const VerdictCounts c = count_verdicts(rows);
  out["ok"] = c.ok;
  out["miss"] = c.miss;
  out["miss_unresolved"] = c.miss_unresolved;
  out["no_data"] = c.no_data;
  return out;
}

}  // namespace likesim
