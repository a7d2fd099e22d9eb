// HdrHistogram interval logs (`likesim run --hdr-log FILE`): every operation's latency
// histogram per interval, per strategy, in the format HdrHistogram's own tools read
// (HistogramLogProcessor, HistogramLogAnalyzer, hdr-histogram-js):
//
//   #[likesim scenario=celebrity seed=42 backend=sim: latency in microseconds ...]
//   #[Histogram log format version 1.3]
//   #[StartTime: 0.000 (seconds since epoch), 1970-01-01T00:00:00Z]
//   #[BaseTime: 0.000 (seconds since epoch)]
//   "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
//   Tag=sharded_counter.like,0.000,0.100,1.234,HISTFAAAA...
//
// Values are µs (HistogramLogProcessor -outputValueUnitRatio 1000 prints ms); Interval_Max is
// in ms. Timestamps are seconds since the strategy's workload started, on its world's clock
// (simulated time, or the real run's clock), the intervals of the report's time series
// (interval i covers [i, i + 1) * interval_ms by answer time; the last one is written whole).
// A simulated run writes StartTime 0, so the same scenario and seed give the same file byte
// for byte; a real run writes its wall-clock start. A strategy's operation gets a line for
// every interval (empty ones included, so rates read right) once it has answered anything in
// the measured window; the histograms hold exactly what the report's op latencies hold.
// The header follows the writer's checklist in ../shared/notes/hdr-interval-log.md.
//
//   HdrIntervalLog log({"sharded_counter"}, 100ms);
//   log.recorder(0).record(Op::like, now, latency);   // from the runner, per answer
//   log.recorder(0).finish(end);
//   log.write(out, {.comment = "...", .start_time_ms = 0});
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/sim_time.h"
#include "engine/metrics/latency_histogram.h"
#include "engine/model/request.h"

namespace likesim {

// One strategy's latencies per operation and interval. Each interval is encoded when it
// closes and its histograms are reset, so memory grows by a few hundred bytes per interval
// and operation, never by a histogram. Answers must arrive in non-decreasing time.
class HdrIntervalRecorder {
 public:
  explicit HdrIntervalRecorder(Duration interval);

  void record(Op op, Time completed_at, Duration latency) {
    if (completed_at.count() >= current_end_ns_) close_through(completed_at);
    active_[static_cast<std::size_t>(op)].record(latency);
    touched_ = true;
  }
  // Closes every interval up to `end`, including a last partial one that holds anything.
  void finish(Time end);
  // Closes the current interval if it holds anything (a run that failed before finish()).
  void close_open();

  // One non-empty histogram of one interval.
  struct Entry {
    std::uint32_t interval = 0;
    Op op = Op::like;
    std::int64_t max_us = 0;
    std::string histogram;  // base64 of the V2 compressed encoding
  };
  Duration interval() const { return interval_; }
  std::size_t closed_intervals() const { return closed_; }
  const std::vector<Entry>& entries() const { return entries_; }  // by interval, then op
  bool used(Op op) const { return used_[static_cast<std::size_t>(op)]; }

 private:
  void close_through(Time t);
  void close_current();

  Duration interval_;
  std::int64_t current_end_ns_;
  std::size_t closed_ = 0;
  bool touched_ = false;
  std::vector<LatencyHistogram> active_;  // by Op
  bool used_[kOpCount] = {};
  std::vector<Entry> entries_;
};

class HdrIntervalLog {
 public:
  // One recorder per strategy, in the order of `strategies`; the tags are
  // "<strategy>.<op_name>".
  HdrIntervalLog(std::vector<std::string> strategies, Duration interval);

  HdrIntervalRecorder& recorder(std::size_t strategy) { return *recorders_[strategy]; }

  struct Header {
    std::string comment;             // the first line's free text, shortened to fit
    std::int64_t start_time_ms = 0;  // StartTime and BaseTime, ms since the epoch
  };
  // Writes the whole log, intervals in time order and, within one, strategies and
  // operations in order. Closes intervals a failed run left open.
  void write(std::ostream& out, const Header& header);

 private:
  std::vector<std::string> strategies_;
  std::vector<std::unique_ptr<HdrIntervalRecorder>> recorders_;
};

// Why a strategy name cannot be part of a tag ("" when it can): HdrHistogram's log writer
// refuses commas, spaces and line breaks, and readers split lines on them.
std::string hdr_tag_problem(std::string_view strategy);

}  // namespace likesim
