// Which default costs no measurement on this machine supports, and where their numbers come
// from: a static table beside cost_model.h (each field's comment there says the same), so a
// run's report can name the assumptions its figures stand on (RunReport::assumptions).
//
//   std::vector<AssumedCost> a = assumed_costs(scenario.costs, {.redis = true, .kafka = true});
#pragma once

#include <string_view>
#include <vector>

#include "engine/backends/sim/cost_model.h"
#include "engine/metrics/run_report.h"

namespace likesim::sim {

struct CostSource {
  std::string_view key;  // as a scenario names it: "backends.kafka.broker_append_us"
  double (*value)(const CostModel&);
  std::string_view source;
};

// Every default that is an assumption or a published (not locally measured) figure.
const std::vector<CostSource>& unmeasured_cost_defaults();

// The servers a run sent work to.
struct ServersUsed {
  bool redis = false;
  bool postgres = false;
  bool kafka = false;
};

// The unmeasured defaults `used` still holds (neither the scenario nor a cost file changed
// them), for the servers the run used, in table order.
std::vector<AssumedCost> assumed_costs(const CostModel& used, ServersUsed servers);

}  // namespace likesim::sim
