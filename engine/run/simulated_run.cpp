#include "engine/run/simulated_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <variant>
#include <vector>

#include "engine/backends/sim/cost_sources.h"
#include "engine/core/build_info.h"
#include "engine/core/scheduler.h"
#include "engine/metrics/hdr_interval_log.h"
#include "engine/run/sim_world.h"
#include "engine/run/strategy_run.h"

namespace likesim {

RunProgress make_progress(const Scenario& scenario) {
  RunProgress p;
  for (const StrategyConfig& c : scenario.strategies) {
    auto s = std::make_unique<StrategyProgress>();
    s->name = c.name;
    s->target_ns = from_seconds(scenario.duration_s).count();
    p.strategies.push_back(std::move(s));
  }
  return p;
}

namespace {

// Each kind's wall time for the celebrity burst, relative (README, Performance: build 76e7f01,
// two strategies at a time: sharded_counter 24.3 s, async_log 22.5, write_buffered 17.9,
// count_query 14.8, single_counter 14.4-14.8).
int expected_cost(const StrategyConfig& c) {
  struct Cost {
    int operator()(const CountQueryKnobs&) const { return 15; }
    int operator()(const SingleCounterKnobs&) const { return 15; }
    int operator()(const ShardedCounterKnobs&) const { return 24; }
    int operator()(const WriteBufferedKnobs&) const { return 18; }
    int operator()(const AsyncLogKnobs&) const { return 22; }
  };
  return std::visit(Cost{}, c.knobs);
}

sim::ServersUsed servers_used(const SimWorld& world) {
  sim::ServersUsed u;
  for (int node = 0; node < world.redis().nodes(); ++node) {
    u.redis |= world.redis().node_stats(node).requests > 0;
  }
  u.postgres = world.postgres().stats().statements > 0;
  u.kafka = world.kafka().stats().appended > 0;
  return u;
}

}  // namespace

std::vector<std::size_t> start_order(const std::vector<StrategyConfig>& strategies) {
  std::vector<std::size_t> order(strategies.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return expected_cost(strategies[a]) > expected_cost(strategies[b]);
  });
  return order;
}

RunReport run_simulated(const Scenario& scenario, const RunOptions& options,
                        RunProgress* progress) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::size_t n = scenario.strategies.size();
  std::vector<StrategyReport> reports(n);
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::uint64_t> events(n, 0);
  std::vector<double> simulated(n, 0.0);
  std::vector<sim::ServersUsed> used(n);  // which servers each strategy's world worked
  std::vector<std::string> stopped(n);    // why a strategy stopped early (backlog watch)
  const std::vector<std::size_t> order = start_order(scenario.strategies);
  std::atomic<std::size_t> next{0};

  auto worker = [&] {
    for (std::size_t k = next++; k < n; k = next++) {
      const std::size_t i = order[k];
      try {
        StrategyProgress* sp = progress ? progress->strategies[i].get() : nullptr;
        const StrategyConfig& config = scenario.strategies[i];
        SimWorld world(scenario.costs, mix64(scenario.seed ^ fnv1a("world")),
                       StrategyRun::log_consumers_of(config));
        StrategyRun run(scenario, config, world, sp);
        if (options.keep_answers) run.keep_answers();
        if (options.keep_final_counts) run.keep_final_counts();
        if (options.backlog_watch.on) run.watch_backlog(options.backlog_watch);
        if (options.hdr_log) run.record_hdr_intervals(&options.hdr_log->recorder(i));
        reports[i] = run.run();
        events[i] = run.events();
        simulated[i] = run.simulated_seconds();
        used[i] = servers_used(world);
        stopped[i] = run.stopped_early();
        if (sp) sp->phase = 4;
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  int jobs =
      options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(n)));
  {
    std::vector<std::jthread> threads;
    for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
    worker();
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (errors[i]) {
      const std::string what =
          "strategy '" + scenario.strategies[i].name + "': " + describe(errors[i]);
      try {
        std::rethrow_exception(errors[i]);
      } catch (const NoProgressError&) {
        throw NoProgressError(what);  // the command says "run stopped", not "failed"
      } catch (...) {
        throw std::runtime_error(what);
      }
    }
  }

  double max_simulated = 0;
  for (double t : simulated) max_simulated = std::max(max_simulated, t);
  std::uint64_t total_events = 0;
  for (std::uint64_t e : events) total_events += e;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  RunReport report =
      assemble_run_report(scenario, "sim", std::move(reports), total_events, max_simulated, wall);
  sim::ServersUsed any;
  for (const sim::ServersUsed& u : used) {
    any.redis |= u.redis;
    any.postgres |= u.postgres;
    any.kafka |= u.kafka;
  }
  report.assumptions = sim::assumed_costs(scenario.costs, any);
  for (std::size_t i = 0; i < n && report.failure.empty(); ++i) {
    if (!stopped[i].empty()) {
      report.failure = "strategy '" + scenario.strategies[i].name + "': " + stopped[i];
    }
  }
  return report;
}

RunReport assemble_run_report(const Scenario& scenario, std::string backend,
                              std::vector<StrategyReport> strategies, std::uint64_t events,
                              double clock_seconds, double wall_seconds) {
  RunReport report;
  report.scenario.name = scenario.name;
  report.scenario.description = scenario.description;
  report.scenario.file = scenario.file;
  report.scenario.config_hash = scenario.config_hash;
  report.scenario.backend = std::move(backend);
  report.scenario.seed = scenario.seed;
  report.scenario.duration_s = scenario.duration_s;
  report.strategies = std::move(strategies);
  report.engine.build_type = build_type();
  report.engine.events = events;
  report.engine.simulated_seconds = clock_seconds;
  report.engine.wall_seconds = wall_seconds;
  report.engine.events_per_second =
      wall_seconds > 0 ? static_cast<double>(events) / wall_seconds : 0.0;
  return report;
}

}  // namespace likesim
