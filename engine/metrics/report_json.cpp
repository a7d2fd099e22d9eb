#include "engine/metrics/report_json.h"

#include <cmath>

namespace likesim {
namespace {

using Json = nlohmann::ordered_json;

// JSON has no NaN or infinity: a figure that has none is null.
Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json latency(const LatencySummary& s) {
  return Json{
      {"p50", s.p50},     {"p90", s.p90}, {"p99", s.p99},           {"p999", s.p999},
      {"p9999", s.p9999}, {"max", s.max}, {"mean", number(s.mean)}, {"overflows", s.overflows}};
}

Json strategy(const StrategyReport& s) {
  Json j;
  j["name"] = s.name;
  j["kind"] = s.kind;
  j["knobs"] = s.knobs;
  Json ops = Json::object();
  for (int i = 0; i < kOpCount; ++i) {
    const OpFigures& o = s.ops[i];
    ops[std::string(op_name(static_cast<Op>(i)))] =
        Json{{"count", o.count},
             {"errors", o.errors},
             {"refused", o.refused},
             {"wrong_answers", o.wrong_answers},
             {"latency_us", latency(o.latency_us)},
             {"service_latency_us", latency(o.service_latency_us)}};
  }
  j["ops"] = std::move(ops);
  j["throughput"] = Json{{"offered_per_s", number(s.throughput.offered_per_s)},
                         {"completed_per_s", number(s.throughput.completed_per_s)}};
  j["drift"] = Json{{"reads", s.drift.reads},
                    {"abs_p99", s.drift.abs_p99},
                    {"abs_max", s.drift.abs_max},
                    {"never_true_reads", s.drift.never_true_reads},
                    {"staleness_ms", Json{{"p50", number(s.drift.staleness_p50_ms)},
                                          {"p99", number(s.drift.staleness_p99_ms)},
                                          {"max", number(s.drift.staleness_max_ms)}}}};
  j["final"] = Json{
      {"posts_checked", s.final.posts_checked},    {"stored_total", s.final.stored_total},
      {"lost_likes", s.final.lost_likes},          {"lost_unlikes", s.final.lost_unlikes},
      {"double_counts", s.final.double_counts},    {"posts_wrong", s.final.posts_wrong},
      {"abs_error_sum", s.final.abs_error_sum},    {"dedup_violations", s.final.dedup_violations},
      {"drain_completed", s.final.drain_completed}};
  Json slo = Json::array();
  for (const SloVerdict& v : s.slo) {
    slo.push_back(Json{{"name", v.name},
                       {"limit", number(v.limit)},
                       {"value", number(v.value)},
                       {"pass", v.pass}});
  }
  j["slo"] = std::move(slo);
  Json nodes = Json::array();
  for (const RedisNodeFigures& n : s.backends.redis_nodes) {
    nodes.push_back(Json{{"node", n.node},
                         {"utilisation", number(n.utilisation)},
                         {"commands", n.commands},
                         {"max_queue", n.max_queue}});
  }
  j["backends"] =
      Json{{"redis_busiest_node_utilisation", number(s.backends.redis_busiest_node_utilisation)},
           {"redis_nodes", std::move(nodes)},
           {"db_row_lock_wait_p99_us", s.backends.db_row_lock_wait_p99_us},
           {"db_cpu_utilisation", number(s.backends.db_cpu_utilisation)},
           {"db_statements", s.backends.db_statements},
           {"db_rejected", s.backends.db_rejected},
           {"log_lag_max", s.backends.log_lag_max}};
  Json figures = Json::object();
  for (const auto& [name, value] : s.figures) figures[name] = number(value);
  j["figures"] = std::move(figures);
  if (s.client.enabled) {
    const ClientRetryFigures& c = s.client;
    j["client"] = Json{{"originals", c.originals},
                       {"sends", c.sends},
                       {"amplification", number(c.amplification)},
                       {"peak_interval_amplification", number(c.peak_interval_amplification)},
                       {"timeouts", c.timeouts},
                       {"retries", c.retries},
                       {"budget_refused", c.budget_refused},
                       {"failed_attempts", c.failed_attempts},
                       {"late_answers", c.late_answers}};
  }
  Json ts;
  ts["interval_ms"] = number(s.timeseries.interval_ms);
  ts["t_s"] = s.timeseries.t_s;
  for (const auto& [name, values] : s.timeseries.columns) {
    Json column = Json::array();
    for (double v : values) column.push_back(number(v));
    ts[name] = std::move(column);
  }
  j["timeseries"] = std::move(ts);
  j["events"] = s.events;
  j["wall_seconds"] = number(s.wall_seconds);
  j["driver"] = Json{{"lag_p99_ms", number(s.driver_lag_p99_ms)},
                     {"lag_max_ms", number(s.driver_lag_max_ms)}};
  j["warnings"] = s.warnings;
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const RunReport& r) {
  Json j;
  j["schema"] = kReportSchema;
  j["scenario"] = Json{{"name", r.scenario.name},
                       {"description", r.scenario.description},
                       {"file", r.scenario.file},
                       {"config_hash", r.scenario.config_hash},
                       {"backend", r.scenario.backend},
                       {"seed", r.scenario.seed},
                       {"duration_s", number(r.scenario.duration_s)}};
  j["engine"] = Json{{"build_type", r.engine.build_type},
                     {"events", r.engine.events},
                     {"simulated_seconds", number(r.engine.simulated_seconds)},
                     {"wall_seconds", number(r.engine.wall_seconds)},
                     {"events_per_second", number(r.engine.events_per_second)}};
  Json strategies = Json::array();
  for (const StrategyReport& s : r.strategies) strategies.push_back(strategy(s));
  j["strategies"] = std::move(strategies);
  Json assumptions = Json::array();
  for (const AssumedCost& a : r.assumptions) {
    assumptions.push_back(Json{{"key", a.key}, {"value", number(a.value)}, {"source", a.source}});
  }
  j["assumptions"] = std::move(assumptions);
  if (!r.failure.empty()) j["failure"] = r.failure;
  return j;
}

std::string report_json_text(const RunReport& report) { return to_json(report).dump(2) + "\n"; }

}  // namespace likesim
