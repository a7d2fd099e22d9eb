#include "engine/calibrate/validate_strategies.h"

#include <cstdio>
#include <limits>
#include <stdexcept>

#include "engine/backends/real/endpoint.h"
#include "engine/run/real_run.h"
#include "engine/run/simulated_run.h"

namespace likesim {
namespace {

const StrategyReport* find(const RunReport& r, const std::string& name) {
  for (const StrategyReport& s : r.strategies) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

std::vector<ValidationRow> validate_strategies(Scenario scenario, bool repeat_real,
                                               const std::function<void(const std::string&)>& say) {
  if (scenario.real.redis_cluster.empty()) {
    scenario.costs.redis.nodes = 1;
  } else {
    absl::StatusOr<std::vector<real::Endpoint>> nodes =
        real::parse_endpoints(scenario.real.redis_cluster);
    if (!nodes.ok())
      throw std::runtime_error("real.redis_cluster: " + std::string(nodes.status().message()));
    scenario.costs.redis.nodes = static_cast<int>(nodes->size());
  }
  // The real run opens pg_connections; the simulated pool is as large.
  scenario.costs.postgres.pool_size = scenario.real.pg_connections;
  say("validate: strategies of " + scenario.file + ", simulated\n");
  const RunReport sim = run_simulated(scenario, RunOptions{1}, nullptr);
  say("validate: strategies of " + scenario.file + ", real\n");
  const RunReport real = run_real(scenario, nullptr, say);
  if (!real.failure.empty()) throw std::runtime_error(real.failure);
  RunReport again;
  if (repeat_real) {
    say("validate: strategies of " + scenario.file + ", real again\n");
    again = run_real(scenario, nullptr, say);
    if (!again.failure.empty()) throw std::runtime_error(again.failure);
  }

  std::vector<ValidationRow> rows;
  for (const StrategyConfig& c : scenario.strategies) {
    const StrategyReport* s = find(sim, c.name);
    const StrategyReport* r = find(real, c.name);
    const StrategyReport* a = find(again, c.name);
    if (!s || !r) continue;
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    const std::string shape = "strategy " + c.name;
    // How late the real driver started requests: that delay is in the real latencies.
    char note[96];
    std::snprintf(note, sizeof note, "real driver late p99 %.1f / max %.1f ms",
                  r->driver_lag_p99_ms, r->driver_lag_max_ms);
    for (Op op : {Op::like, Op::count}) {
      const OpFigures& so = s->op(op);
      const OpFigures& ro = r->op(op);
      const std::string point(op_name(op));
      auto again_us = [&](std::int64_t LatencySummary::*p) {
        return a ? static_cast<double>(a->op(op).latency_us.*p) : kNone;
      };
      rows.push_back({shape, point, Metric::p50, static_cast<double>(so.latency_us.p50),
                      static_cast<double>(ro.latency_us.p50), note,
                      again_us(&LatencySummary::p50)});
      rows.push_back({shape, point, Metric::p99, static_cast<double>(so.latency_us.p99),
                      static_cast<double>(ro.latency_us.p99), note,
                      again_us(&LatencySummary::p99)});
    }
    rows.push_back({shape, "all ops", Metric::throughput, s->throughput.completed_per_s,
                    r->throughput.completed_per_s, note,
                    a ? a->throughput.completed_per_s : kNone});
  }
  return rows;
}

}  // namespace likesim
