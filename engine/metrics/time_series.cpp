#include "engine/metrics/time_series.h"

#include <algorithm>
#include <cmath>

namespace likesim {

TimeSeries::TimeSeries(Duration interval)
    : interval_(interval > Duration(0) ? interval : 100ms), current_end_ns_(interval_.count()) {}

void TimeSeries::close_current() {
  static constexpr double kPs[] = {50.0, 99.0};
  std::int64_t v[2];
  like_latency_.percentiles(kPs, v);
  current_.like_p50_us = v[0];
  current_.like_p99_us = v[1];
  current_.like_max_us = like_latency_.max();
  count_latency_.percentiles(kPs, v);
  current_.count_p50_us = v[0];
  current_.count_p99_us = v[1];
  current_.count_max_us = count_latency_.max();
  closed_.push_back(current_);
  current_ = Interval{};
  current_touched_ = false;
  if (like_latency_.total_count()) like_latency_.reset();
  if (count_latency_.total_count()) count_latency_.reset();
  // The new current interval starts with each gauge's last value.
  for (auto& column : gauge_values_) column.push_back(column.back());
  ++current_index_;
  current_end_ns_ += interval_.count();
}

void TimeSeries::advance_past_current(Time t) {
  const auto index =
      static_cast<std::size_t>(std::max<std::int64_t>(0, t.count()) / interval_.count());
  while (current_index_ < index) close_current();
}

void TimeSeries::record_op(Op op, Time completed_at, Duration latency, bool ok) {
  advance_to(completed_at);
  current_touched_ = true;
  ++current_.completed[static_cast<int>(op)];
  if (!ok) ++current_.errors;
  if (op == Op::like) like_latency_.record(latency);
  if (op == Op::count) count_latency_.record(latency);
}

void TimeSeries::record_offered(Time intended) {
  advance_to(intended);
  current_touched_ = true;
  ++current_.offered;
}

void TimeSeries::record_drift(Time t, std::int64_t drift) {
  advance_to(t);
  current_touched_ = true;
  current_.drift_abs_max = std::max(current_.drift_abs_max, drift < 0 ? -drift : drift);
}

void TimeSeries::set_gauge(std::string_view name, Time t, double value) {
  // A sample taken exactly at an interval's end belongs to the interval it closes, even when
  // an answer at the same instant has already closed it.
  const Time at = t > Duration(0) ? t - Duration(1) : Time(0);
  advance_to(at);
  current_touched_ = true;
  const auto index =
      std::min(static_cast<std::size_t>(at.count() / interval_.count()), current_index_);
  auto it = std::find(gauge_names_.begin(), gauge_names_.end(), name);
  const auto g = static_cast<std::size_t>(it - gauge_names_.begin());
  if (it == gauge_names_.end()) {
    gauge_names_.emplace_back(name);
    gauge_values_.emplace_back(current_index_ + 1, 0.0);
  }
  std::vector<double>& column = gauge_values_[g];
  // Later intervals carried the previous value forward; they carry this one now.
  std::fill(column.begin() + static_cast<std::ptrdiff_t>(index), column.end(), value);
}

void TimeSeries::finish(Time end) {
  advance_to(end);
  const bool partial = end.count() > static_cast<std::int64_t>(current_index_) * interval_.count();
  if (current_touched_ || partial) close_current();
  for (auto& column : gauge_values_) column.resize(closed_.size());
}

TimeSeriesFigures TimeSeries::figures() const {
  TimeSeriesFigures f;
  f.interval_ms = to_millis(interval_);
  const double per_s = 1.0 / to_seconds(interval_);
  const std::size_t n = closed_.size();
  std::vector<double> offered, answered, errors, like_p50, like_p99, like_max, count_p50, count_p99,
      count_max, drift;
  for (std::size_t i = 0; i < n; ++i) {
    const Interval& iv = closed_[i];
    // Rounded to the nanosecond so the JSON reads 10.1, not 10.100000000000001.
    f.t_s.push_back(std::round(to_seconds(interval_ * static_cast<std::int64_t>(i + 1)) * 1e9) /
                    1e9);
    std::uint64_t done = 0;
    for (std::uint32_t c : iv.completed) done += c;
    auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
    offered.push_back(iv.offered * per_s);
    answered.push_back(static_cast<double>(done) * per_s);
    errors.push_back(iv.errors * per_s);
    like_p50.push_back(ms(iv.like_p50_us));
    like_p99.push_back(ms(iv.like_p99_us));
    like_max.push_back(ms(iv.like_max_us));
    count_p50.push_back(ms(iv.count_p50_us));
    count_p99.push_back(ms(iv.count_p99_us));
    count_max.push_back(ms(iv.count_max_us));
    drift.push_back(static_cast<double>(iv.drift_abs_max));
  }
  f.columns = {{"offered_per_s", std::move(offered)},  {"answered_per_s", std::move(answered)},
               {"errors_per_s", std::move(errors)},    {"like_p50_ms", std::move(like_p50)},
               {"like_p99_ms", std::move(like_p99)},   {"like_max_ms", std::move(like_max)},
               {"count_p50_ms", std::move(count_p50)}, {"count_p99_ms", std::move(count_p99)},
               {"count_max_ms", std::move(count_max)}, {"drift_abs_max", std::move(drift)}};
  for (std::size_t g = 0; g < gauge_names_.size(); ++g) {
    f.columns.emplace_back(gauge_names_[g], gauge_values_[g]);
    f.columns.back().second.resize(n, 0.0);
  }
  return f;
}

}  // namespace likesim
