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

TEST(TimeSeries, IntervalsRollOverAtTheirBoundaries) {
  TimeSeries ts(100ms);
  ts.record_op(Op::like, Time(99'999'999), 500ms, true);  // last ns of interval 0
  ts.record_op(Op::like, Time(100ms), 2ms, true);         // first ns of interval 1
  ts.record_op(Op::count, Time(150ms), 1ms, true);        // values < 2048 µs are exact
  ts.record_op(Op::count, Time(160ms), 2ms, false);
  ts.record_op(Op::unlike, Time(170ms), 1ms, true);
  ts.finish(Time(200ms));
  const auto& iv = ts.intervals();
  ASSERT_EQ(iv.size(), 2u);
  EXPECT_EQ(iv[0].completed[static_cast<int>(Op::like)], 1u);
  EXPECT_EQ(iv[0].like_max_us, 500'000);
  // Interval 1's histogram was reset: the 500 ms like does not leak into it.
  EXPECT_EQ(iv[1].completed[static_cast<int>(Op::like)], 1u);
  EXPECT_EQ(iv[1].like_p99_us, 2000);
  EXPECT_EQ(iv[1].like_max_us, 2000);
  EXPECT_EQ(iv[1].completed[static_cast<int>(Op::count)], 2u);
  EXPECT_EQ(iv[1].completed[static_cast<int>(Op::unlike)], 1u);
  EXPECT_EQ(iv[1].errors, 1u);
  EXPECT_EQ(iv[1].count_p50_us, 1000);
  EXPECT_EQ(iv[1].count_p99_us, 2000);
  EXPECT_EQ(iv[1].count_max_us, 2000);
  EXPECT_EQ(iv[0].count_max_us, 0);
}

TEST(TimeSeries, APartialLastIntervalIsKeptWhateverItHolds) {
  TimeSeries ts(100ms);
  ts.record_op(Op::like, Time(10ms), 1ms, true);
  ts.record_op(Op::status, Time(130ms), 1ms, true);  // only a status answer in interval 1
  ts.finish(Time(150ms));
  ASSERT_EQ(ts.intervals().size(), 2u);
  EXPECT_EQ(ts.intervals()[1].completed[static_cast<int>(Op::status)], 1u);
  const TimeSeriesFigures f = ts.figures();
  EXPECT_EQ(f.t_s, (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(column(f, "answered_per_s"), (std::vector<double>{10, 10}));
  // A run that ends on a boundary gets no empty extra interval, and finish() is idempotent.
  TimeSeries exact(100ms);
  exact.record_offered(Time(50ms));
  exact.finish(Time(200ms));
  exact.finish(Time(200ms));
  EXPECT_EQ(exact.intervals().size(), 2u);
}

TEST(TimeSeries, GaugesAreColumnsThatCarryTheirLastValue) {
  TimeSeries ts(100ms);
  ts.set_gauge("redis.node0.queue", Time(50ms), 3);
  ts.set_gauge("redis.node0.queue", Time(100ms), 5);  // last sample of interval 0 wins
  // An answer at 200 ms closes interval 1 before the sampler's 200 ms sample arrives: the
  // sample still belongs to interval 1, which it measures.
  ts.record_op(Op::like, Time(200ms), 1ms, true);
  ts.set_gauge("redis.node0.queue", Time(200ms), 8);
  ts.set_gauge("log.lag", Time(300ms), 70);  // a gauge first sampled in interval 2
  ts.finish(Time(400ms));
  ASSERT_EQ(ts.intervals().size(), 4u);
  ASSERT_EQ(ts.gauge_names(), (std::vector<std::string>{"redis.node0.queue", "log.lag"}));
  EXPECT_EQ(ts.gauge_values(0), (std::vector<double>{5, 8, 8, 8}));
  EXPECT_EQ(ts.gauge_values(1), (std::vector<double>{0, 0, 70, 70}));
  const TimeSeriesFigures f = ts.figures();
  EXPECT_EQ(column(f, "log.lag"), (std::vector<double>{0, 0, 70, 70}));
}

}  // namespace
}  // namespace likesim
