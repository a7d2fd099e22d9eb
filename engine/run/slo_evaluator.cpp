#include "engine/run/slo_evaluator.h"

#include <algorithm>

#include "engine/run/scenario.h"

namespace likesim {

std::span<const std::string_view> known_slo_metrics() {
  static constexpr std::string_view kNames[] = {
      "like_p99_ms",   "like_p999_ms", "count_p99_ms",  "status_p99_ms",    "staleness_p99_ms",
      "drift_abs_max", "lost_likes",   "double_counts", "dedup_violations", "error_rate"};
  return kNames;
}

std::optional<double> slo_metric(std::string_view name, const StrategyReport& r) {
  auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
  if (name == "like_p99_ms") return ms(r.op(Op::like).latency_us.p99);
  if (name == "like_p999_ms") return ms(r.op(Op::like).latency_us.p999);
  if (name == "count_p99_ms") return ms(r.op(Op::count).latency_us.p99);
  if (name == "status_p99_ms") return ms(r.op(Op::status).latency_us.p99);
  if (name == "staleness_p99_ms") return r.drift.staleness_p99_ms;
  if (name == "drift_abs_max") return static_cast<double>(r.drift.abs_max);
  if (name == "lost_likes") return static_cast<double>(r.final.lost_likes);
  if (name == "double_counts") return static_cast<double>(r.final.double_counts);
  if (name == "dedup_violations") return static_cast<double>(r.final.dedup_violations);
  if (name == "error_rate") {
    std::uint64_t all = 0, errors = 0;
    for (const OpFigures& o : r.ops) {
      all += o.count;
      errors += o.errors;
    }
    return all ? static_cast<double>(errors) / static_cast<double>(all) : 0.0;
  }
  return std::nullopt;
}

std::vector<SloVerdict> evaluate_slos(std::span<const SloSpec> slos, const StrategyReport& r) {
  std::vector<SloVerdict> out;
  for (const SloSpec& s : slos) {
    SloVerdict v;
    v.name = s.name;
    v.limit = s.limit;
    v.value = slo_metric(s.name, r).value_or(0.0);
    v.pass = v.value <= s.limit;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace likesim
