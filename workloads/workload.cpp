#include "workloads/workload.h"

#include <utility>

#include "workloads/celebrity_workload.h"
#include "workloads/retry_injector.h"
#include "workloads/steady_workload.h"

namespace likesim {

std::unique_ptr<Workload> make_workload(const WorkloadConfig& config, std::uint64_t seed,
                                        Duration duration) {
  std::unique_ptr<Workload> w;
  if (config.kind == "celebrity" || config.celebrity.enabled) {
    w = std::make_unique<CelebrityWorkload>(config.steady, config.celebrity, seed, duration);
  } else {
    w = std::make_unique<SteadyWorkload>(config.steady, seed, duration);
  }
  if (config.retry_fraction > 0) {
    w = std::make_unique<RetryInjector>(std::move(w), config.retry_fraction, config.retry_delay_ms,
                                        seed, duration);
  }
  return w;
}

}  // namespace likesim
