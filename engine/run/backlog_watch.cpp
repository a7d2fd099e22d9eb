#include "engine/run/backlog_watch.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace likesim {

BacklogWatch::BacklogWatch(const BacklogWatchOptions& options, Time warmup)
    : options_(options), warmup_s_(to_seconds(warmup)) {
  options_.steps = std::max(1, options_.steps);
}

const BacklogWatch::Sample* BacklogWatch::at_or_before(double t_s) const {
  // Samples are in time order and few (one window's worth): a backward scan is enough.
  for (auto it = samples_.rbegin(); it != samples_.rend(); ++it) {
    if (it->t_s <= t_s + 1e-9) return &*it;
  }
  return nullptr;
}

std::optional<std::string> BacklogWatch::sample(Time t, Backlogs backlogs, std::uint64_t offered,
                                                std::uint64_t answered) {
  if (!options_.on || tripped_) return std::nullopt;
  const double t_s = to_seconds(t);
  if (t_s < warmup_s_) return std::nullopt;
  samples_.push_back(
      Sample{t_s, backlogs, static_cast<double>(offered), static_cast<double>(answered)});
  // Keep one sample at or before the window's start, and nothing older.
  while (samples_.size() > 2 && samples_[1].t_s <= t_s - options_.window_s + 1e-9) {
    samples_.pop_front();
  }
  std::optional<std::string> why =
      check(&Backlogs::in_flight, options_.request_wait_ms, "requests in flight");
  if (!why) why = check(&Backlogs::log_lag, options_.lag_wait_ms, "the log's consumer lag");
  tripped_ = why.has_value();
  return why;
}

std::optional<std::string> BacklogWatch::check(double Backlogs::*which, double limit_ms,
                                               const char* what) const {
  if (limit_ms <= 0 || samples_.empty()) return std::nullopt;
  const Sample& last = samples_.back();
  const double start_s = last.t_s - options_.window_s;
  const Sample* first = at_or_before(start_s);
  if (first == nullptr || first->t_s < start_s - options_.window_s / options_.steps) {
    return std::nullopt;  // the samples do not span the window yet
  }
  // Growth in every sub-window: a queue that only fluctuates rises in some and falls in others.
  double before = first->b.*which;
  for (int k = 1; k <= options_.steps; ++k) {
    const Sample* s = at_or_before(start_s + options_.window_s * k / options_.steps);
    if (s == nullptr || !(s->b.*which > before)) return std::nullopt;
    before = s->b.*which;
  }
  const double growth = last.b.*which - first->b.*which;
  const double offered = last.offered - first->offered;
  if (growth < std::max(options_.min_growth, options_.min_growth_share * offered)) {
    return std::nullopt;
  }
  const double span_s = last.t_s - first->t_s;
  const double answered_per_s = (last.answered - first->answered) / span_s;
  const double wait_ms = answered_per_s > 0 ? 1000.0 * last.b.*which / answered_per_s : INFINITY;
  if (wait_ms < limit_ms) return std::nullopt;
  const std::string queue = std::isfinite(wait_ms)
                                ? "a queue of ~" + std::to_string(std::lround(wait_ms)) + " ms"
                                : "nothing answered";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s grew from %.0f to %.0f between %.1f and %.1f s (%s)", what,
                first->b.*which, last.b.*which, first->t_s, last.t_s, queue.c_str());
  return std::string(buf) + ": above capacity";
}

}  // namespace likesim
