#include "engine/run/simulated_run.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/run/strategy_simulation.h"

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

RunReport run_simulated(const Scenario& scenario, const RunOptions& options,
                        RunProgress* progress) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::size_t n = scenario.strategies.size();
  std::vector<StrategyReport> reports(n);
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::uint64_t> events(n, 0);
  std::vector<double> simulated(n, 0.0);
  std::atomic<std::size_t> next{0};

  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        StrategyProgress* sp = progress ? progress->strategies[i].get() : nullptr;
        StrategySimulation sim(scenario, scenario.strategies[i], sp);
        reports[i] = sim.run();
        events[i] = sim.events();
        simulated[i] = sim.simulated_seconds();
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
      throw std::runtime_error("strategy '" + scenario.strategies[i].name +
                               "': " + describe(errors[i]));
    }
  }

  RunReport report;
  report.scenario.name = scenario.name;
  report.scenario.description = scenario.description;
  report.scenario.file = scenario.file;
  report.scenario.seed = scenario.seed;
  report.scenario.duration_s = scenario.duration_s;
  std::uint64_t total_events = 0;
  double max_simulated = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total_events += events[i];
    max_simulated = std::max(max_simulated, simulated[i]);
    report.strategies.push_back(std::move(reports[i]));
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  report.engine.events = total_events;
  report.engine.simulated_seconds = max_simulated;
  report.engine.wall_seconds = wall;
  report.engine.events_per_second = wall > 0 ? static_cast<double>(total_events) / wall : 0.0;
  return report;
}

}  // namespace likesim
