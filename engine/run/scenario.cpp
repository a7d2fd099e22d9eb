#include "engine/run/scenario.h"

#include <array>
#include <string_view>

namespace likesim {

bool is_known_slo(const std::string& name) {
  static constexpr std::array<std::string_view, 10> kKnown = {
      "like_p99_ms",   "like_p999_ms", "count_p99_ms",  "status_p99_ms",    "staleness_p99_ms",
      "drift_abs_max", "lost_likes",   "double_counts", "dedup_violations", "error_rate"};
  for (std::string_view k : kKnown) {
    if (k == name) return true;
  }
  return false;
}

}  // namespace likesim
