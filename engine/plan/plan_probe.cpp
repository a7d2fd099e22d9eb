#include "engine/plan/plan_probe.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>

#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "engine/scenario/scenario_schema.h"

namespace likesim {
namespace {

std::string short_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

}  // namespace

std::string slo_text(const std::string& name, double value, double limit, bool pass) {
  return name + " " + short_number(value) + (pass ? " <= " : " > ") + short_number(limit);
}

BacklogWatchOptions backlog_watch_for(const Scenario& scenario) {
  BacklogWatchOptions o;
  o.on = true;
  for (const SloSpec& s : scenario.slos) {
    if (s.name == "like_p99_ms" || s.name == "like_p999_ms" || s.name == "count_p99_ms" ||
        s.name == "status_p99_ms") {
      o.request_wait_ms = std::max(o.request_wait_ms, s.limit);
    }
    if (s.name == "staleness_p99_ms") o.lag_wait_ms = s.limit;
  }
  return o;
}

std::string PlanProbeRunner::load_text(double load) const {
  if (setup_.target_integer) return std::to_string(std::llround(load));
  return format_number(load);
}

std::vector<std::string> PlanProbeRunner::overrides_for(const std::vector<std::int64_t>& config,
                                                        double load, std::uint64_t seed) const {
  std::vector<std::string> o;
  for (std::size_t i = 0; i < config.size(); ++i) {
    o.push_back(setup_.knob_keys[i] + "=" + std::to_string(config[i]));
  }
  // A float key takes a TOML float; "300000" would be read as an integer, which it accepts.
  o.push_back(setup_.target_key + "=" + load_text(load));
  o.push_back("seed=" + std::to_string(seed));
  return o;
}

absl::StatusOr<Scenario> PlanProbeRunner::load(const std::vector<std::int64_t>& config, double load,
                                               std::uint64_t seed) const {
  std::vector<std::string> overrides = setup_.overrides;
  for (std::string& o : overrides_for(config, load, seed)) overrides.push_back(std::move(o));
  absl::StatusOr<Scenario> s = load_scenario(setup_.scenario_path, overrides, setup_.costs_path);
  if (!s.ok()) return s;
  std::vector<StrategyConfig> kept;
  for (StrategyConfig& c : s->strategies) {
    if (c.name == setup_.strategy) kept.push_back(std::move(c));
  }
  if (kept.empty()) {
    return absl::InvalidArgumentError(setup_.scenario_path + ": no strategy named '" +
                                      setup_.strategy + "'");
  }
  s->strategies = std::move(kept);
  return s;
}

ProbeResult PlanProbeRunner::run(const PlanProbe& probe, bool watch) const {
  const auto wall_start = std::chrono::steady_clock::now();
  ProbeResult r;
  PlanObservation& o = r.observation;
  absl::StatusOr<Scenario> scenario = load(probe.config, probe.load, probe.seed);
  if (!scenario.ok()) {
    o.reason = std::string(scenario.status().message());
    return r;
  }
  RunOptions options;
  options.jobs = 1;  // one strategy; probes run side by side instead
  if (watch) options.backlog_watch = backlog_watch_for(*scenario);
  try {
    const RunReport report = run_simulated(*scenario, options, nullptr);
    r.simulated_s = report.engine.simulated_seconds;
    r.events = report.engine.events;
    if (!report.failure.empty()) {
      // "strategy 'x': stopped early at ...": the strategy is the only one.
      const std::size_t colon = report.failure.find("': ");
      o.reason = colon == std::string::npos ? report.failure : report.failure.substr(colon + 3);
      r.stopped_early = true;
    } else {
      std::string passed, failed;
      for (const SloVerdict& v : report.strategies.at(0).slo) {
        std::string& into = v.pass ? passed : failed;
        into += (into.empty() ? "" : ", ") + slo_text(v.name, v.value, v.limit, v.pass);
        if (!v.pass) o.failed_slos.push_back(v.name);
      }
      o.pass = o.failed_slos.empty();
      o.reason = o.pass ? passed : failed;
    }
  } catch (const std::exception& e) {
    o.reason = std::string("run failed: ") + e.what();
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

}  // namespace likesim
