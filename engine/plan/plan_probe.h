// PlanProbeRunner: runs one probe of `likesim plan` — the scenario with the user's --set
// overrides, then the probe's knob values, load and seed, keeping only the chosen strategy —
// simulated, and judges it: it passes when the run completed and met every SLO of the
// scenario. The backlog watch (backlog_watch.h) ends a run that is plainly above capacity
// early, with the SLO limits as its thresholds, so it cannot fail a run the SLOs would pass
// unless the queue it measured was already past them and still growing.
//
//   PlanProbeRunner runner(setup);
//   ProbeResult r = runner.run(probe);        // thread-safe: each call loads its own scenario
//   search.observe(probe.id, r.observation);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan/plan_search.h"
#include "engine/run/backlog_watch.h"
#include "engine/scenario/scenario.h"

namespace likesim {

struct PlanSetup {
  std::string scenario_path;
  std::vector<std::string> overrides;  // the user's --set, applied first
  std::string costs_path;              // --costs, or empty: the scenario's own costs
  std::string strategy;                // the strategy's name in the scenario
  std::vector<std::string> knob_keys;  // full keys, in the search's knob order
  std::string target_key;
  bool target_integer = false;  // the target key takes integers only
};

struct ProbeResult {
  PlanObservation observation;
  bool stopped_early = false;
  double simulated_s = 0;  // simulated time the run took (less than the scenario's when stopped)
  double wall_s = 0;
  std::uint64_t events = 0;
};

class PlanProbeRunner {
 public:
  explicit PlanProbeRunner(PlanSetup setup) : setup_(std::move(setup)) {}

  // `watch` false runs to the end whatever the backlog (to name the SLO a run fails).
  ProbeResult run(const PlanProbe& probe, bool watch = true) const;

  // The overrides a configuration adds to the user's ("strategy.sharded_counter.shards=16").
  std::vector<std::string> overrides_for(const std::vector<std::int64_t>& config, double load,
                                         std::uint64_t seed) const;
  // The scenario a probe runs, with only the chosen strategy.
  absl::StatusOr<Scenario> load(const std::vector<std::int64_t>& config, double load,
                                std::uint64_t seed) const;
  // The load as the target key takes it ("300000", "312.5").
  std::string load_text(double load) const;

  const PlanSetup& setup() const { return setup_; }

 private:
  PlanSetup setup_;
};

// The backlog watch for a scenario's SLOs: requests are watched against its largest latency
// SLO, the log's lag against its staleness SLO; a backlog no SLO limits is not watched.
BacklogWatchOptions backlog_watch_for(const Scenario& scenario);

// "like_p99_ms 412 > 200": an SLO verdict as probe lines show it.
std::string slo_text(const std::string& name, double value, double limit, bool pass);

}  // namespace likesim
