// What `likesim plan` prints and writes: a line per probe as it finishes, the summary (the
// answer, the knob-by-knob evidence that one less fails, the headroom and the analytic knee),
// and the JSON of --out (schema likesim.plan/1: answer, target, knobs, probes, headroom,
// analytic_knee). Formatting only: every figure comes from the search, the probes and the knee.
//
//   std::cout << probe_line(search, probe, result, runner);
//   std::cout << plan_summary(search, plan);
//   write_output(path, plan_json(search, plan).dump(2));
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/plan/hot_key_knee.h"
#include "engine/plan/plan_knobs.h"
#include "engine/plan/plan_probe.h"
#include "engine/plan/plan_search.h"

namespace likesim {

inline constexpr const char* kPlanSchema = "likesim.plan/1";

// Everything about one plan beyond the search's own state.
struct PlanRun {
  std::string scenario_file;
  std::string strategy;
  std::string costs;  // "the scenario's defaults" or the cost file
  std::vector<std::string> overrides;
  TargetFlag target;
  std::vector<std::string> knob_keys;  // in the search's knob order
  std::map<int, ProbeResult> results;  // by probe id
  // The headroom's failing load run again without the early stop, to name the SLO it fails,
  // when its probe had stopped early.
  std::optional<ProbeResult> headroom_rerun;
  HotKeyKnee knee;
  std::string knee_config;   // the configuration the knee is of (the answer, or every hi)
  std::string knee_why_not;  // when no knee could be computed at all (target, no answer)
  double wall_s = 0;
};

std::string probe_line(const PlanSearch& search, const PlanProbe& probe, const ProbeResult& result,
                       const PlanProbeRunner& runner);

// The SLOs the answer fails first at its headroom, ", "-joined ("like_p99_ms").
std::string first_failing_slo(const PlanSearch& search, const PlanRun& plan);

std::string plan_summary(const PlanSearch& search, const PlanRun& plan,
                         const PlanProbeRunner& runner);

nlohmann::ordered_json plan_json(const PlanSearch& search, const PlanRun& plan);

}  // namespace likesim
