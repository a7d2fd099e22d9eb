// RunProgress: how far each strategy's simulation has got, written by the simulation threads
// and read by the progress printer (relaxed atomics: a progress line may be a moment old).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace likesim {

struct StrategyProgress {
  std::string name;
  std::atomic<std::int64_t> simulated_ns{0};  // virtual time reached
  std::atomic<std::int64_t> target_ns{0};     // duration of the workload
  std::atomic<int> phase{0};                  // 0 waiting, 1 workload, 2 drain, 3 check, 4 done
};

struct RunProgress {
  std::vector<std::unique_ptr<StrategyProgress>> strategies;
};

constexpr const char* phase_name(int phase) {
  switch (phase) {
    case 0:
      return "waiting";
    case 1:
      return "running";
    case 2:
      return "draining";
    case 3:
      return "checking";
    default:
      return "done";
  }
}

}  // namespace likesim
