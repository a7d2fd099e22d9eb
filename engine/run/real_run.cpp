#include "engine/run/real_run.h"

#include <chrono>
#include <exception>
#include <memory>

#include "engine/metrics/hdr_interval_log.h"
#include "engine/run/real_world.h"
#include "engine/run/simulated_run.h"
#include "engine/run/strategy_run.h"

namespace likesim {

RunReport run_real(const Scenario& scenario, RunProgress* progress,
                   const std::function<void(const std::string&)>& say, bool keep_answers,
                   bool keep_final_counts, HdrIntervalLog* hdr_log) {
  const auto wall_start = std::chrono::steady_clock::now();
  std::vector<StrategyReport> reports;
  std::uint64_t events = 0;
  double longest = 0;
  std::string failure;
  // Every strategy's world finds the same schema: the first one says so.
  const std::function<void(const std::string&)> quiet = [](const std::string&) {};
  for (std::size_t i = 0; i < scenario.strategies.size() && failure.empty(); ++i) {
    const StrategyConfig& config = scenario.strategies[i];
    StrategyProgress* sp = progress ? progress->strategies[i].get() : nullptr;
    std::unique_ptr<RealWorld> world;
    std::unique_ptr<StrategyRun> run;
    try {
      world = std::make_unique<RealWorld>(scenario, StrategyRun::log_consumers_of(config),
                                          i == 0 ? say : quiet);
      run = std::make_unique<StrategyRun>(scenario, config, *world, sp);
      if (keep_answers) run->keep_answers();
      if (keep_final_counts) run->keep_final_counts();
      if (hdr_log) run->record_hdr_intervals(&hdr_log->recorder(i));
      reports.push_back(run->run());
      events += run->events();
      longest = std::max(longest, run->simulated_seconds());
    } catch (const std::exception& e) {
      failure = "strategy '" + config.name + "': " + e.what();
      if (run) {
        // What ran until then, so the figures of a long run are not thrown away.
        reports.push_back(run->partial_report());
        reports.back().warnings.push_back("incomplete: " + std::string(e.what()));
      }
    }
    if (sp) sp->phase = 4;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  RunReport report =
      assemble_run_report(scenario, "real", std::move(reports), events, longest, wall);
  report.failure = failure;
  return report;
}

}  // namespace likesim
