// BacklogWatch: decides, from one sample per time-series interval, that an open-loop run is
// above capacity and may stop early (`likesim plan`'s probes; off in `likesim run`).
//
// Above capacity an open-loop run never reaches a steady state: requests arrive faster than
// they are answered, so what it measures from then on is its own backlog (planning notes §3b,
// guidellm's reason for not driving rates past capacity). A backlog — requests sent and not yet
// answered, or the log's consumer lag — "grows steadily" when, over the last `window_s`, it
// rose in each of `steps` equal sub-windows, by at least `min_growth_share` of the requests
// offered in the window (arrivals beat service by that share) and `min_growth` in all, and the
// queue it stands for is already longer than the latency the SLOs allow: backlog / the rate
// answers came in over the window >= `wait_ms`. The last condition keeps a run that is merely
// filling up below its SLOs running to the end (it may still pass); its estimate errs long
// (the answer rate counts every operation, not just those queued behind the hot key), so a
// trip means the queue is at least that long. Only samples after the warm-up count.
//
//   BacklogWatch watch(options, warmup);
//   if (auto why = watch.sample(now, {in_flight, log_lag}, offered, answered)) stop(*why);
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "engine/core/sim_time.h"

namespace likesim {

struct BacklogWatchOptions {
  bool on = false;
  double window_s = 1.0;  // how long the growth must last
  int steps = 5;          // sub-windows, each of which must grow
  double min_growth_share = 0.01;
  double min_growth = 50;  // requests (or log records), whatever the rate
  // The queue, as waiting time, from which growth means failure; 0 = that backlog is not
  // watched (no SLO it could break). Plan sets them from the scenario's SLOs.
  double request_wait_ms = 0;  // in-flight requests: the largest latency SLO
  double lag_wait_ms = 0;      // consumer lag: the staleness SLO
};

class BacklogWatch {
 public:
  BacklogWatch(const BacklogWatchOptions& options, Time warmup);

  struct Backlogs {
    double in_flight = 0;  // requests sent, not yet answered
    double log_lag = 0;    // records appended, not yet consumed
  };
  // One sample at `t` (counters cumulative since the warm-up); the reason to stop when the
  // run is above capacity, once.
  std::optional<std::string> sample(Time t, Backlogs backlogs, std::uint64_t offered,
                                    std::uint64_t answered);

 private:
  struct Sample {
    double t_s;
    Backlogs b;
    double offered, answered;
  };
  // The newest sample taken at or before t_s, or null.
  const Sample* at_or_before(double t_s) const;
  std::optional<std::string> check(double Backlogs::*which, double limit_ms,
                                   const char* what) const;

  BacklogWatchOptions options_;
  double warmup_s_;
  std::deque<Sample> samples_;
  bool tripped_ = false;
};

}  // namespace likesim
