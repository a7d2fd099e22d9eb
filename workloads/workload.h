// Workload: the open-loop request stream of a run, in intended-send-time order.
//
// Deterministic from (config, seed): the same seed gives the same requests in both worlds, so
// the simulated and the real run can be compared request for request.
//
//   auto w = make_workload(config, seed, duration);
//   Request r;
//   while (w->next(r)) issue(r);          // r.intended is non-decreasing
#pragma once

#include <cstdint>
#include <memory>

#include "engine/core/sim_time.h"
#include "engine/model/request.h"
#include "engine/model/user_order.h"
#include "workloads/workload_config.h"

namespace likesim {

class Workload {
 public:
  virtual ~Workload() = default;
  // The next request, or false when the workload has ended.
  virtual bool next(Request& out) = 0;
  // Offered operations per second at time t (for progress lines and the dashboard).
  virtual double offered_rate_at(Time t) const = 0;
  // The like + unlike share of that rate (what client retries are drawn from).
  virtual double write_rate_at(Time /*t*/) const { return 0; }
  // The order in which this workload's likers come (its fans' UserPermutation), for the sets
  // that hold them (UserOrder); identity when likers come in no order.
  virtual UserOrder user_order() const { return {}; }
};

// Requests with intended time in [0, duration): a SteadyWorkload, or a CelebrityWorkload when
// kind = "celebrity" (or celebrity.enabled), a HawkesWorkload when kind = "hawkes" (it throws
// std::runtime_error if its sizes_file cannot be read), the flash crowd stepping the steady
// background, wrapped in a ChurnInjector when churn.fraction > 0, then in a RetryInjector when
// retry_fraction > 0. For kind = "replay", a ReplayWorkload: a recorded trace as it is (it holds
// its churn and retries already), a cascade wrapped like the others. Throws TraceError when a
// trace cannot be opened; its next() throws on a bad line.
std::unique_ptr<Workload> make_workload(const WorkloadConfig& config, std::uint64_t seed,
                                        Duration duration);

}  // namespace likesim
