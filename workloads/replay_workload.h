// ReplayWorkload: a recorded trace or a real cascade as a run's workload (kind = "replay").
//
// A CSV or binary trace is replayed as it is, request for request (ids, users, retries): it
// already holds the churn and retries of the workload it was recorded from, so make_workload
// wraps nothing around it. A cascade (CascadeTraceReader) is one post's likes, so the
// scenario's steady background (its flash crowd included) is merged in when
// replay.background is set, ids renumbered 1, 2, 3, ... over the merged stream. Requests at or
// after the run's duration are not replayed. Memory does not grow with the trace's length.
//
//   ReplayWorkload w(config, seed, 60s);     // config.kind == "replay"
//   Request r;
//   while (w.next(r)) issue(r);               // throws TraceError on a bad line
//   ReplayWorkload::scan(config, seed, 60s);  // reads it all once: bad input before a run
#pragma once

#include <cstdint>
#include <memory>

#include "workloads/trace_reader.h"
#include "workloads/workload.h"

namespace likesim {

class ReplayWorkload final : public Workload {
 public:
  ReplayWorkload(const WorkloadConfig& config, std::uint64_t seed, Duration duration);

  bool next(Request& out) override;
  // The background's rates; a trace's own rate is not known ahead of reading it.
  double offered_rate_at(Time t) const override;
  double write_rate_at(Time t) const override;

  bool is_cascade() const { return format_ == TraceFormat::cascade; }

  struct Scan {
    std::uint64_t requests = 0;  // replayed (intended time before the duration)
    std::uint64_t past_end = 0;  // in the trace, at or after the duration
    Time last{0};                // the last replayed request's time
  };
  // Reads the whole trace once (the trace alone, without the background). Throws TraceError.
  static Scan scan(const WorkloadConfig& config, std::uint64_t seed, Duration duration);

  // How config.replay and the steady background make a cascade's options.
  static CascadeOptions cascade_options(const WorkloadConfig& config, std::uint64_t seed);

 private:
  TraceFormat format_;
  std::unique_ptr<TraceReader> trace_;
  std::unique_ptr<Workload> background_;  // cascades with replay.background only
  std::int64_t end_ns_;
  Request trace_next_, background_next_;
  bool started_ = false;
  bool trace_has_next_ = false, background_has_next_ = false;
  RequestId next_id_ = 1;
};

}  // namespace likesim
