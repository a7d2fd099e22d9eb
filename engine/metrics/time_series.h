// TimeSeries: what happened in each interval of a run (100 ms by default): throughput, like
// and count latency percentiles, errors, drift, and gauges sampled by the runner (queue
// depths, log lag).
//
// Latencies go into one active histogram per kind; when an interval ends it is summarised and
// reset (HdrHistogram's interval recorder idea), so memory does not grow with the number of
// intervals beyond a few numbers each. Samples must arrive in non-decreasing time, as they do
// from a simulation.
//
//   TimeSeries ts(100ms);
//   ts.record_op(Op::like, now, latency, ok);
//   ts.set_gauge("log_lag", now, lag);
//   ts.finish(end);  TimeSeriesFigures f = ts.figures();
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/sim_time.h"
#include "engine/metrics/latency_histogram.h"
#include "engine/metrics/run_report.h"
#include "engine/model/request.h"

namespace likesim {

class TimeSeries {
 public:
  explicit TimeSeries(Duration interval);

  void record_op(Op op, Time completed_at, Duration latency, bool ok);
  void record_offered(Time intended);
  void record_drift(Time t, std::int64_t drift);
  // Sets gauge `name` for the interval containing t (the last value in an interval wins).
  void set_gauge(std::string_view name, Time t, double value);
  // Closes every interval up to `end`.
  void finish(Time end);

  struct Interval {
    std::array<std::uint32_t, kOpCount> completed{};
    std::uint32_t errors = 0;
    std::uint32_t offered = 0;
    std::int64_t like_p50_us = 0, like_p99_us = 0, like_max_us = 0, count_p99_us = 0;
    std::int64_t drift_abs_max = 0;
  };
  const std::vector<Interval>& intervals() const { return closed_; }
  TimeSeriesFigures figures() const;

 private:
  void advance_to(Time t);  // closes intervals that end at or before t
  void close_current();

  Duration interval_;
  std::size_t current_index_ = 0;
  Interval current_;
  LatencyHistogram like_latency_;
  LatencyHistogram count_latency_;
  std::vector<Interval> closed_;
  std::vector<std::string> gauge_names_;
  std::vector<std::vector<double>> gauge_values_;  // [gauge][interval]
};

}  // namespace likesim
