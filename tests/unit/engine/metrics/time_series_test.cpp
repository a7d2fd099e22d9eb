#include "engine/metrics/time_series.h"

#include <gtest/gtest.h>

namespace likesim {
namespace {

const std::vector<double>& column(const TimeSeriesFigures& f, const std::string& name) {
  for (const auto& [n, values] : f.columns) {
    if (n == name) return values;
  }
  static const std::vector<double> kNone;
  ADD_FAILURE() << "no column " << name;
  return kNone;
}

TEST(TimeSeries, EveryColumnHasOneValuePerInterval) {
  TimeSeries ts(100ms);
  // Interval 0: two likes (1 ms and 3 ms), one failed count; interval 2: one like of 10 ms.
  ts.record_offered(Time(10ms));
  ts.record_op(Op::like, Time(20ms), 1ms, true);
  ts.record_op(Op::like, Time(30ms), 3ms, true);
  ts.record_op(Op::count, Time(40ms), 2ms, false);
  ts.record_drift(Time(50ms), -7);
  ts.set_gauge("log_lag", Time(100ms), 42);  // sampled at the end of interval 0
  ts.record_op(Op::like, Time(250ms), 10ms, true);
  ts.finish(Time(300ms));
  const TimeSeriesFigures f = ts.figures();
  ASSERT_EQ(f.t_s, (std::vector<double>{0.1, 0.2, 0.3}));
  for (const auto& [name, values] : f.columns) EXPECT_EQ(values.size(), 3u) << name;
  EXPECT_EQ(column(f, "offered_per_s"), (std::vector<double>{10, 0, 0}));
  EXPECT_EQ(column(f, "answered_per_s"), (std::vector<double>{30, 0, 10}));
  EXPECT_EQ(column(f, "errors_per_s"), (std::vector<double>{10, 0, 0}));
  EXPECT_EQ(column(f, "like_max_ms"), (std::vector<double>{3, 0, 10}));
  EXPECT_EQ(column(f, "like_p50_ms"), (std::vector<double>{1, 0, 10}));
  EXPECT_EQ(column(f, "drift_abs_max"), (std::vector<double>{7, 0, 0}));
  EXPECT_EQ(column(f, "log_lag"), (std::vector<double>{42, 42, 42}));
}

}  // namespace
}  // namespace likesim
