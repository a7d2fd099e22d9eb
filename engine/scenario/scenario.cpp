#include "engine/scenario/scenario.h"

#include <string_view>

#include "engine/metrics/slo_evaluator.h"

namespace likesim {

bool is_known_slo(const std::string& name) {
  for (std::string_view k : known_slo_metrics()) {
    if (k == name) return true;
  }
  return false;
}

}  // namespace likesim
