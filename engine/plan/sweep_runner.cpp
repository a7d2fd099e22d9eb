#include "engine/plan/sweep_runner.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/core/sim_time.h"
#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"

namespace likesim {
namespace {

std::vector<std::string> point_overrides(const SweepSpec& spec, const GridPoint& point) {
  std::vector<std::string> all = spec.overrides;
  for (std::string& o : point.overrides()) all.push_back(std::move(o));
  return all;
}

// The scenario of `job` with its one strategy.
Scenario load_job(const SweepSpec& spec, const SweepJob& job) {
  absl::StatusOr<Scenario> loaded =
      load_scenario(spec.scenario_path, point_overrides(spec, job.point), spec.costs_path);
  if (!loaded.ok()) throw std::runtime_error(std::string(loaded.status().message()));
  Scenario s = *std::move(loaded);
  std::erase_if(s.strategies, [&](const StrategyConfig& c) { return c.name != job.strategy; });
  return s;
}

}  // namespace

absl::StatusOr<std::vector<SweepJob>> sweep_jobs(const SweepSpec& spec, Slice slice,
                                                 std::vector<std::string>* strategy_order) {
  if (absl::Status s = check_axes(spec.axes); !s.ok()) return s;
  const std::vector<GridPoint> points = grid(spec.axes);
  std::vector<SweepJob> jobs;
  for (const GridPoint& point : points) {
    if (!slice.contains(point.run)) continue;
    absl::StatusOr<Scenario> loaded =
        load_scenario(spec.scenario_path, point_overrides(spec, point), spec.costs_path);
    if (!loaded.ok()) return loaded.status();
    std::vector<std::string> names;
    for (const StrategyConfig& c : loaded->strategies) names.push_back(c.name);
    for (const std::string& wanted : spec.strategies) {
      if (std::find(names.begin(), names.end(), wanted) == names.end()) {
        std::string known;
        for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
        return absl::InvalidArgumentError(absl::StrCat("--strategies: no strategy named '", wanted,
                                                       "' in ", loaded->file, " (it has: ", known,
                                                       ")"));
      }
    }
    if (strategy_order && strategy_order->empty()) *strategy_order = names;
    for (const std::string& name : names) {
      if (!spec.strategies.empty() && std::find(spec.strategies.begin(), spec.strategies.end(),
                                                name) == spec.strategies.end()) {
        continue;
      }
      jobs.push_back({point, points.size(), loaded->config_hash, name});
    }
  }
  return jobs;
}

double SweepProgress::fraction() const {
  if (total == 0) return 1.0;
  double f = static_cast<double>(done.load(std::memory_order_relaxed));
  for (const auto& w : workers) {
    const StrategyProgress& s = *w->strategies.front();
    const int phase = s.phase.load(std::memory_order_relaxed);
    const double target = static_cast<double>(s.target_ns.load(std::memory_order_relaxed));
    const double at = static_cast<double>(s.simulated_ns.load(std::memory_order_relaxed));
    if (phase >= 1 && phase <= 3)
      f += phase >= 2 ? 1.0 : (target > 0 ? std::min(1.0, at / target) : 0);
  }
  return std::min(1.0, f / static_cast<double>(total));
}

void run_sweep_jobs(const SweepSpec& spec, const std::vector<SweepJob>& jobs, int threads,
                    SweepProgress* progress,
                    const std::function<void(const SweepJob&, SweepCells)>& on_row) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::max(1, std::min<int>(threads, static_cast<int>(jobs.size())));
  if (progress) {
    progress->total = jobs.size();
    progress->workers.clear();
    for (int t = 0; t < threads; ++t) {
      auto p = std::make_unique<RunProgress>();
      p->strategies.push_back(std::make_unique<StrategyProgress>());
      progress->workers.push_back(std::move(p));
    }
  }
  std::atomic<std::size_t> next{0};
  std::mutex row_mutex;
  auto worker = [&](int t) {
    RunProgress* mine = progress ? progress->workers[t].get() : nullptr;
    for (std::size_t k = next++; k < jobs.size(); k = next++) {
      const SweepJob& job = jobs[k];
      SweepCells row;
      try {
        const Scenario scenario = load_job(spec, job);
        if (mine) {
          StrategyProgress& s = *mine->strategies.front();
          s.simulated_ns = 0;
          s.target_ns = from_seconds(scenario.duration_s).count();
          s.phase = 0;
        }
        RunOptions options;
        options.jobs = 1;
        const RunReport report = run_simulated(scenario, options, mine);
        row = report.failure.empty()
                  ? sweep_row(job.point, job.runs, job.config_hash, report.strategies.front())
                  : failed_row(job.point, job.runs, job.config_hash, job.strategy, report.failure);
      } catch (const std::exception& e) {
        row = failed_row(job.point, job.runs, job.config_hash, job.strategy, e.what());
      }
      if (mine) mine->strategies.front()->phase = 0;
      std::lock_guard lock(row_mutex);
      if (progress) progress->done.fetch_add(1, std::memory_order_relaxed);
      on_row(job, std::move(row));
    }
  };
  std::vector<std::jthread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
}

}  // namespace likesim
