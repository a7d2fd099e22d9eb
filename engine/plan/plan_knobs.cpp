#include "engine/plan/plan_knobs.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "absl/status/status.h"

namespace likesim {
namespace {

bool whole_int(std::string_view s, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool whole_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

}  // namespace

absl::StatusOr<KnobFlag> parse_knob_flag(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError("--knob " + text + ": " + why +
                                      " (expected NAME=LO..HI[:WEIGHT], e.g. shards=1..256)");
  };
  KnobFlag k;
  k.text = text;
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return bad("no NAME=");
  k.name = text.substr(0, eq);
  std::string range = text.substr(eq + 1);
  if (const std::size_t colon = range.find(':'); colon != std::string::npos) {
    if (!whole_double(range.substr(colon + 1), k.weight) || k.weight <= 0) {
      return bad("WEIGHT must be a number > 0");
    }
    range.resize(colon);
  }
  const std::size_t dots = range.find("..");
  if (dots == std::string::npos) return bad("no LO..HI");
  if (!whole_int(std::string_view(range).substr(0, dots), k.lo) ||
      !whole_int(std::string_view(range).substr(dots + 2), k.hi)) {
    return bad("LO and HI must be integers");
  }
  if (k.lo < 0 || k.hi < k.lo) return bad("needs 0 <= LO <= HI");
  return k;
}

absl::StatusOr<TargetFlag> parse_target_flag(const std::string& text) {
  TargetFlag t;
  t.text = text;
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || !whole_double(text.substr(eq + 1), t.value) ||
      t.value <= 0) {
    return absl::InvalidArgumentError(
        "--target " + text +
        ": expected KEY=VALUE with a number > 0, e.g. workload.celebrity.peak_likes_per_s=300000");
  }
  t.key = text.substr(0, eq);
  return t;
}

std::string knob_key(const std::string& name, const StrategyConfig& strategy) {
  if (name.find('.') == std::string::npos) {
    for (const NumericKey& row : numeric_keys()) {
      if (row.section == "strategy." + strategy.kind && row.key == name) {
        return "strategy." + strategy.name + "." + name;
      }
    }
    return name;
  }
  for (const char* backend : {"redis.", "postgres.", "kafka."}) {
    if (name.rfind(backend, 0) == 0) return "backends." + name;
  }
  return name;
}

const NumericKey* schema_row(const std::string& key, const StrategyConfig& strategy) {
  const std::size_t dot = key.rfind('.');
  std::string section = dot == std::string::npos ? "" : key.substr(0, dot);
  const std::string name = dot == std::string::npos ? key : key.substr(dot + 1);
  if (section == "strategy." + strategy.name) section = "strategy." + strategy.kind;
  for (const NumericKey& row : numeric_keys()) {
    if (row.section == section && row.key == name) return &row;
  }
  return nullptr;
}

}  // namespace likesim
