#include "workloads/workload.h"

#include <utility>

#include "workloads/celebrity_workload.h"
#include "workloads/churn_injector.h"
#include "workloads/hawkes_workload.h"
#include "workloads/replay_workload.h"
#include "workloads/retry_injector.h"
#include "workloads/steady_workload.h"

namespace likesim {

std::unique_ptr<Workload> make_workload(const WorkloadConfig& config, std::uint64_t seed,
                                        Duration duration) {
  std::unique_ptr<Workload> w;
  if (config.kind == "replay") {
    auto replay = std::make_unique<ReplayWorkload>(config, seed, duration);
    // A recorded trace already holds the churn and retries of the workload it came from.
    if (!replay->is_cascade()) return replay;
    w = std::move(replay);
  } else if (config.kind == "celebrity" || config.celebrity.enabled) {
    w = std::make_unique<CelebrityWorkload>(config.steady, config.celebrity, seed, duration,
                                            config.flash);
  } else if (config.kind == "hawkes") {
    w = std::make_unique<HawkesWorkload>(config.steady, config.hawkes, seed, duration,
                                         config.flash);
  } else {
    w = std::make_unique<SteadyWorkload>(config.steady, seed, duration, config.flash);
  }
  if (config.churn.fraction > 0) {
    w = std::make_unique<ChurnInjector>(std::move(w), config.churn, seed, duration);
  }
  if (config.retry_fraction > 0) {
    w = std::make_unique<RetryInjector>(std::move(w), config.retry_fraction, config.retry_delay_ms,
                                        seed, duration);
  }
  return w;
}

}  // namespace likesim
