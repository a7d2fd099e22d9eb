// TimeSeries: what happened in each interval of a run (100 ms by default): answers per
// operation, errors, offered requests, like and count latency percentiles, the worst |drift|
// of a read, and gauges the runner samples (queue depths, log lag). The runner owns one per
// strategy simulation; the report and the dashboard read figures() / intervals().
//
// Latencies go into one active histogram per kind; when an interval ends it is summarised and
// reset (HdrHistogram's interval recorder idea), so memory grows by a few numbers per interval,
// never by a histogram. Recording allocates nothing (a gauge's first sample adds its column;
// each closed interval appends one value per column). Samples must arrive in non-decreasing
// time, as they do from a simulation; interval i covers [i * interval, (i + 1) * interval).
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
  explicit TimeSeries(Duration interval = 100ms);

  // An answer at completed_at; latency from the intended send time. Like and count latencies
  // feed the interval's percentiles; ok == false counts an error.
  void record_op(Op op, Time completed_at, Duration latency, bool ok);
  void record_offered(Time intended);
  void record_drift(Time t, std::int64_t drift);
  // Gauge `name` measured at t, for the interval it measures: a sample taken exactly at an
  // interval's end belongs to the interval it closes. The last sample of an interval wins; an
  // interval without a sample carries the previous value (0 before the first).
  void set_gauge(std::string_view name, Time t, double value);
  // Closes every interval up to `end`, including a last partial one that holds anything.
  void finish(Time end);

  struct Interval {
    std::array<std::uint32_t, kOpCount> completed{};  // answers, failed ones included
    std::uint32_t errors = 0;
    std::uint32_t offered = 0;
    std::int64_t like_p50_us = 0, like_p99_us = 0, like_max_us = 0;
    std::int64_t count_p50_us = 0, count_p99_us = 0, count_max_us = 0;
    std::int64_t drift_abs_max = 0;
  };
  Duration interval() const { return interval_; }
  const std::vector<Interval>& intervals() const { return closed_; }
  // Gauges column-wise: gauge_values(g)[i] is gauge g in interval i (after finish()).
  const std::vector<std::string>& gauge_names() const { return gauge_names_; }
  const std::vector<double>& gauge_values(std::size_t g) const { return gauge_values_[g]; }
  // The report's columns: rates per second, latencies in ms, t_s = each interval's end.
  TimeSeriesFigures figures() const;

 private:
  // Closes intervals that end at or before t. Inline up to a compare: a request records
  // two or three samples, nearly all inside the current interval.
  void advance_to(Time t) {
    if (t.count() >= current_end_ns_) advance_past_current(t);
  }
  void advance_past_current(Time t);
  void close_current();

  Duration interval_;
  std::size_t current_index_ = 0;  // == closed_.size()
  std::int64_t current_end_ns_;    // (current_index_ + 1) * interval_
  Interval current_;
  bool current_touched_ = false;  // anything recorded in the current interval
  LatencyHistogram like_latency_;
  LatencyHistogram count_latency_;
  std::vector<Interval> closed_;
  std::vector<std::string> gauge_names_;
  std::vector<std::vector<double>> gauge_values_;  // [gauge][interval], current one included
};

}  // namespace likesim
