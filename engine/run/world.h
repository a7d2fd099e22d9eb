// World: the deployment a strategy runs against — simulated (SimWorld) or real servers
// (RealWorld). StrategyRun drives the workload, the drain and the final check through this
// interface only, so both worlds are measured and checked by the same code (DESIGN.md §3).
//
//   SimWorld world(scenario.costs, seed, /*log_consumers=*/4);
//   auto strategy = make_strategy(config, world.context(seed));
//   world.run_until([&] { return done; }, 10s, progress);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "engine/backends/backend_state.h"
#include "engine/core/runtime.h"
#include "engine/metrics/run_report.h"
#include "engine/metrics/time_series.h"
#include "engine/run/run_progress.h"
#include "engine/scenario/scenario.h"
#include "strategies/strategy.h"

namespace likesim {

class World {
 public:
  virtual ~World() = default;

  virtual Runtime& runtime() = 0;
  // What a strategy is built with: runtime, Kv, Db, Log and its seed.
  virtual StrategyContext context(std::uint64_t seed) = 0;

  // Runs the world until `done()` holds (true) or its clock passes `limit` (false), keeping
  // `progress` (may be null) current.
  virtual bool run_until(absl::FunctionRef<bool()> done, Time limit,
                         StrategyProgress* progress) = 0;

  // Backend gauges for the time series, sampled every interval.
  virtual void sample_gauges(TimeSeries& series, Time now) = 0;
  // Backend load over the whole run, `elapsed` long.
  virtual void backend_figures(BackendFigures& out, Time elapsed) const = 0;
  // Called just before the workload starts: a real world's clock reads 0 from here, so
  // requests are paced from the first one, not from when the servers were prepared.
  virtual void start_clock() {}

  // Called after the final check: a real world reads its servers' end-of-run figures and
  // adds a line to `warnings` for each server that failed calls during the run.
  virtual void finish(std::vector<std::string>& /*warnings*/) {}

  // When the servers will have served every command already sent to them, on this world's
  // clock: a client that timed out does not unsend its command. The final check reads the
  // state from then on, as a real reader queues behind the backlog. A real world's servers
  // answer the reader in turn: now.
  virtual Time backends_idle_at() const { return Time(0); }

  // What the backends hold now, read from the servers themselves (never through a strategy),
  // for the final check. Throws std::runtime_error naming the server when one cannot be read
  // (after a few tries, on real servers): a state not read is an error of the run, never a 0.
  virtual BackendState read_state() = 0;

  // Scheduler events (sim) or completed backend calls (real), for the engine figures.
  virtual std::uint64_t events() const = 0;

  // Kills Redis node `node` now and brings it back `down_for` later. Returns false when this
  // world cannot (the simulator does not model a node's persistence); throws when there is no
  // such node or it cannot be restarted.
  virtual Task<bool> crash_redis_node(int node, Duration down_for) = 0;

  // A backend_slowdown fault: every service time of `backend` that starts in [from, until) is
  // `factor` times longer. Returns false when this world cannot (real servers are not slowed
  // down by likesim).
  virtual bool slow_down(SlowBackend /*backend*/, Time /*from*/, Time /*until*/,
                         double /*factor*/) {
    return false;
  }

  // Called before the workload starts, with the order its likers come in: a simulated world's
  // servers keep their sets in it (UserOrder), which changes where a bit lives, never what a
  // server answers. Real servers keep their own layout.
  virtual void order_users(UserOrder /*order*/) {}

  // "sim" or "real".
  virtual std::string kind() const = 0;
};

}  // namespace likesim
