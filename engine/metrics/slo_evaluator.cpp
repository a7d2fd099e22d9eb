#include "engine/metrics/slo_evaluator.h"

#include <limits>
#include <string>

namespace likesim {

std::span<const std::string_view> known_slo_metrics() {
  static constexpr std::string_view kNames[] = {
      "like_p99_ms",   "like_p999_ms", "count_p99_ms",  "status_p99_ms",    "staleness_p99_ms",
      "drift_abs_max", "lost_likes",   "double_counts", "dedup_violations", "error_rate",
      "lost_unlikes",  "posts_wrong",  "wrong_answers"};
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
  if (name == "lost_unlikes") return static_cast<double>(r.final.lost_unlikes);
  if (name == "posts_wrong") return static_cast<double>(r.final.posts_wrong);
  if (name == "wrong_answers") {
    std::uint64_t wrong = 0;
    for (const OpFigures& o : r.ops) wrong += o.wrong_answers;
    return static_cast<double>(wrong);
  }
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

SloVerdict evaluate_slo(std::string_view name, double limit, const StrategyReport& report) {
  SloVerdict v;
  v.name = std::string(name);
  v.limit = limit;
  const std::optional<double> value = slo_metric(name, report);
  v.value = value.value_or(std::numeric_limits<double>::quiet_NaN());
  v.pass = value.has_value() && *value <= limit;
  return v;
}

}  // namespace likesim
