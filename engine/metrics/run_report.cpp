#include "engine/metrics/run_report.h"

namespace likesim {

LatencySummary summarize(const LatencyHistogram& h) {
  static constexpr double kPs[] = {50.0, 90.0, 99.0, 99.9, 99.99};
  std::int64_t v[5];
  h.percentiles(kPs, v);
  LatencySummary s;
  s.p50 = v[0];
  s.p90 = v[1];
  s.p99 = v[2];
  s.p999 = v[3];
  s.p9999 = v[4];
  s.max = h.max();
  s.mean = h.mean();
  s.overflows = h.overflow();
  return s;
}

}  // namespace likesim
