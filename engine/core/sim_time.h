// Virtual time: integer nanoseconds since the start of a run.
//
// Both worlds use it: the simulated runtime advances it event by event, the real runtime reads
// it from steady_clock relative to the run's start. std::chrono keeps units from mixing
// silently (`rt.sleep_for(5ms)` reads as it should).
#pragma once

#include <chrono>
#include <cstdint>

namespace likesim {

using Duration = std::chrono::nanoseconds;
// Time since the run started. A Duration, not a time_point, because every run starts at zero
// and arithmetic on it (deadlines, intervals) stays simple.
using Time = std::chrono::nanoseconds;

using namespace std::chrono_literals;

constexpr double to_seconds(Duration d) { return static_cast<double>(d.count()) * 1e-9; }
constexpr double to_millis(Duration d) { return static_cast<double>(d.count()) * 1e-6; }
constexpr std::int64_t to_micros(Duration d) { return d.count() / 1000; }
// Conversions from floating point saturate at +-kMaxDuration (~146 years) instead of
// overflowing the int64 cast (undefined behaviour), and NaN converts to 0. The scenario loader
// keeps every configured duration far inside that range; the saturation guards derived values
// (a cost times a count) and leaves headroom for `now + d`.
inline constexpr std::int64_t kMaxDurationNs = std::int64_t{1} << 62;
constexpr Duration from_micros(double us) {
  const double ns = us * 1000.0;
  if (!(ns == ns)) return Duration(0);  // NaN
  if (ns >= static_cast<double>(kMaxDurationNs)) return Duration(kMaxDurationNs);
  if (ns <= -static_cast<double>(kMaxDurationNs)) return Duration(-kMaxDurationNs);
  return Duration(static_cast<std::int64_t>(ns + (ns >= 0 ? 0.5 : -0.5)));
}
constexpr Duration from_millis(double ms) { return from_micros(ms * 1000.0); }
constexpr Duration from_seconds(double s) { return from_micros(s * 1e6); }

}  // namespace likesim
