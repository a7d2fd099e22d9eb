#include "engine/metrics/slo_evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace likesim {
namespace {

// Shaped like engine/run's SloSpec; the evaluator takes any {name, limit}.
struct Spec {
  std::string name;
  double limit;
};

StrategyReport report_with_figures() {
  StrategyReport r;
  r.ops[static_cast<int>(Op::like)].latency_us.p99 = 150'000;   // 150 ms
  r.ops[static_cast<int>(Op::like)].latency_us.p999 = 250'000;  // 250 ms
  r.ops[static_cast<int>(Op::count)].latency_us.p99 = 40'000;   // 40 ms
  r.ops[static_cast<int>(Op::status)].latency_us.p99 = 60'000;  // 60 ms
  r.ops[static_cast<int>(Op::like)].count = 900;
  r.ops[static_cast<int>(Op::like)].errors = 9;
  r.ops[static_cast<int>(Op::count)].count = 100;
  r.ops[static_cast<int>(Op::count)].errors = 1;
  r.drift.staleness_p99_ms = 5000.5;
  r.drift.abs_max = 12;
  r.final.lost_likes = 3;
  r.final.double_counts = 0;
  r.final.dedup_violations = 1;
  r.final.lost_unlikes = 4;
  r.final.posts_wrong = 5;
  r.ops[static_cast<int>(Op::like)].wrong_answers = 2;
  r.ops[static_cast<int>(Op::batch_count)].wrong_answers = 5;
  return r;
}

TEST(SloEvaluator, EveryKnownMetricHasItsValue) {
  const StrategyReport r = report_with_figures();
  const std::vector<std::pair<std::string, double>> expected = {
      {"like_p99_ms", 150},  {"like_p999_ms", 250},        {"count_p99_ms", 40},
      {"status_p99_ms", 60}, {"staleness_p99_ms", 5000.5}, {"drift_abs_max", 12},
      {"lost_likes", 3},     {"double_counts", 0},         {"dedup_violations", 1},
      {"error_rate", 0.01},  {"lost_unlikes", 4},          {"posts_wrong", 5},
      {"wrong_answers", 7}};
  ASSERT_EQ(known_slo_metrics().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(known_slo_metrics()[i], expected[i].first);
    const std::optional<double> v = slo_metric(expected[i].first, r);
    ASSERT_TRUE(v.has_value()) << expected[i].first;
    EXPECT_DOUBLE_EQ(*v, expected[i].second) << expected[i].first;
  }
  EXPECT_FALSE(slo_metric("like_p50_ms", r).has_value());
}

TEST(SloEvaluator, ValueAtTheLimitPassesAndAboveFails) {
  const StrategyReport r = report_with_figures();
  const std::vector<Spec> specs = {{"like_p99_ms", 200},   {"like_p99_ms", 150},
                                   {"like_p99_ms", 149.9}, {"lost_likes", 0},
                                   {"double_counts", 0},   {"staleness_p99_ms", 5000}};
  const std::vector<SloVerdict> v = evaluate_slos(specs, r);
  ASSERT_EQ(v.size(), 6u);
  EXPECT_TRUE(v[0].pass);
  EXPECT_TRUE(v[1].pass);  // <= limit
  EXPECT_FALSE(v[2].pass);
  EXPECT_FALSE(v[3].pass);
  EXPECT_EQ(v[3].name, "lost_likes");
  EXPECT_EQ(v[3].limit, 0);
  EXPECT_EQ(v[3].value, 3);
  EXPECT_TRUE(v[4].pass);
  EXPECT_FALSE(v[5].pass);
}

TEST(SloEvaluator, AnUnknownMetricFailsWithNoValue) {
  const SloVerdict v = evaluate_slo("like_p50_ms", 1e9, report_with_figures());
  EXPECT_FALSE(v.pass);
  EXPECT_TRUE(std::isnan(v.value));
}

TEST(SloEvaluator, NoOperationsMeansNoErrors) {
  EXPECT_EQ(slo_metric("error_rate", StrategyReport{}), 0.0);
}

}  // namespace
}  // namespace likesim
