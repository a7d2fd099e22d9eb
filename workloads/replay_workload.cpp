#include "workloads/replay_workload.h"

#include <algorithm>

namespace likesim {

CascadeOptions ReplayWorkload::cascade_options(const WorkloadConfig& config, std::uint64_t seed) {
  const ReplayConfig& c = config.replay;
  CascadeOptions o;
  o.compress = c.compress;
  o.replicate = c.replicate;
  o.jitter_s = c.jitter_s;
  o.reads_per_like = c.reads_per_like;
  o.first_post =
      c.first_post != 0 ? c.first_post : std::max<std::uint32_t>(config.steady.posts, 1) + 1;
  o.users = config.steady.users;
  o.seed = seed;
  return o;
}

ReplayWorkload::ReplayWorkload(const WorkloadConfig& config, std::uint64_t seed, Duration duration)
    : format_(detect_trace_format(config.replay.trace, config.replay.format)),
      trace_(open_trace_file(config.replay.trace, config.replay.format,
                             cascade_options(config, seed))),
      end_ns_(duration.count()) {
  if (is_cascade() && config.replay.background) {
    // The scenario's background, as a steady run makes it (flash crowd included); churn and
    // client retries are added around the merged stream by make_workload.
    WorkloadConfig steady = config;
    steady.kind = "steady";
    steady.celebrity.enabled = false;
    steady.churn.fraction = 0;
    steady.retry_fraction = 0;
    background_ = make_workload(steady, seed, duration);
    background_has_next_ = background_->next(background_next_);
  }
  // The trace's first request is read by the first next(): construction never throws on a
  // bad line, so every error comes from the same place.
}

bool ReplayWorkload::next(Request& out) {
  if (!started_) {
    started_ = true;
    trace_has_next_ = trace_->next(trace_next_);
  }
  if (trace_has_next_ && trace_next_.intended.count() >= end_ns_) trace_has_next_ = false;
  if (!background_) {
    if (!trace_has_next_) return false;
    out = trace_next_;
    trace_has_next_ = trace_->next(trace_next_);
    return true;
  }
  // A cascade over the background: the earlier first, the background on a tie.
  const bool take_background =
      background_has_next_ &&
      (!trace_has_next_ || background_next_.intended <= trace_next_.intended);
  if (take_background) {
    out = background_next_;
    background_has_next_ = background_->next(background_next_);
  } else if (trace_has_next_) {
    out = trace_next_;
    trace_has_next_ = trace_->next(trace_next_);
  } else {
    return false;
  }
  out.id = next_id_++;
  return true;
}

double ReplayWorkload::offered_rate_at(Time t) const {
  return background_ ? background_->offered_rate_at(t) : 0;
}

double ReplayWorkload::write_rate_at(Time t) const {
  return background_ ? background_->write_rate_at(t) : 0;
}

ReplayWorkload::Scan ReplayWorkload::scan(const WorkloadConfig& config, std::uint64_t seed,
                                          Duration duration) {
  auto trace =
      open_trace_file(config.replay.trace, config.replay.format, cascade_options(config, seed));
  Scan s;
  Request r;
  while (trace->next(r)) {
    if (r.intended < duration) {
      ++s.requests;
      s.last = r.intended;
    } else {
      ++s.past_end;
    }
  }
  return s;
}

}  // namespace likesim
