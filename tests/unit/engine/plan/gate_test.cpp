#include "engine/plan/gate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace likesim {
namespace {

// One strategy's figures, each with the same samples on every figure but `changed`.
GateFigures figures(const std::string& backend, std::vector<double> p99_samples,
                    double lost_likes = 0, double throughput = 1000, bool slo_passes = true) {
  GateFigures f;
  f.identity = {"smoke", "00000000000000aa", 3, backend, "RelWithDebInfo"};
  f.reports = p99_samples.size();
  auto& s = f.strategies["sharded_counter"];
  const std::size_t n = p99_samples.size();
  s["like.latency_p50_us"] = std::vector<double>(n, 100);
  s["like.latency_p99_us"] = std::move(p99_samples);
  s["throughput.completed_per_s"] = std::vector<double>(n, throughput);
  s["final.lost_likes"] = std::vector<double>(n, lost_likes);
  s["final.double_counts"] = std::vector<double>(n, 0);
  s["slo.like_p99_ms"] = std::vector<double>(n, slo_passes ? 1 : 0);
  return f;
}

const GateRow& row(const GateResult& r, const std::string& figure) {
  for (const GateRow& x : r.rows) {
    if (x.figure == figure) return x;
  }
  ADD_FAILURE() << "no row " << figure;
  return r.rows.front();
}

TEST(Gate, AnIdenticalSimulatedReportPasses) {
  const absl::StatusOr<GateResult> r =
      compare_figures(figures("sim", {400}), figures("sim", {400}), {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->regressions, 0);
  EXPECT_EQ(r->tolerance, 0);
  EXPECT_EQ(r->rows.size(), 6u);
  for (const GateRow& x : r->rows) EXPECT_EQ(x.verdict, GateVerdict::same) << x.figure;
  EXPECT_NE(gate_table(*r, false).find("gate: pass"), std::string::npos);
}

TEST(Gate, ALatencyTripledIsARegression) {
  const absl::StatusOr<GateResult> r =
      compare_figures(figures("sim", {400}), figures("sim", {1200}), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->regressions, 1);
  EXPECT_EQ(row(*r, "like.latency_p99_us").verdict, GateVerdict::regression);
  EXPECT_DOUBLE_EQ(row(*r, "like.latency_p99_us").change, 2.0);
  const std::string table = gate_table(*r, false);
  EXPECT_NE(table.find("+200.0%"), std::string::npos) << table;
  EXPECT_NE(table.find("gate: REGRESSION"), std::string::npos) << table;
}

TEST(Gate, AMoveWithinTheToleranceAndAnImprovementPass) {
  GateOptions ten_percent;
  ten_percent.tolerance = 0.10;
  const absl::StatusOr<GateResult> r =
      compare_figures(figures("sim", {400}), figures("sim", {430}, 0, 1100), ten_percent);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->regressions, 0);
  EXPECT_EQ(row(*r, "like.latency_p99_us").verdict, GateVerdict::within);
  EXPECT_EQ(row(*r, "throughput.completed_per_s").verdict, GateVerdict::better);
  // Just beyond it fails.
  const absl::StatusOr<GateResult> beyond =
      compare_figures(figures("sim", {400}), figures("sim", {441}), ten_percent);
  EXPECT_EQ(beyond->regressions, 1);
}

TEST(Gate, OneLostLikeFailsWhateverTheTolerance) {
  GateOptions loose;
  loose.tolerance = 0.5;
  const absl::StatusOr<GateResult> r =
      compare_figures(figures("sim", {400}), figures("sim", {400}, 1), loose);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->regressions, 1);
  EXPECT_EQ(row(*r, "final.lost_likes").verdict, GateVerdict::regression);
  // Fewer lost likes than the baseline is better, not a failure.
  const absl::StatusOr<GateResult> fewer =
      compare_figures(figures("sim", {400}, 3), figures("sim", {400}, 1), {});
  EXPECT_EQ(fewer->regressions, 0);
  EXPECT_EQ(row(*fewer, "final.lost_likes").verdict, GateVerdict::better);
}

TEST(Gate, ThroughputThatFallsAndAnSloThatNowFailsAreRegressions) {
  const absl::StatusOr<GateResult> r = compare_figures(
      figures("sim", {400}), figures("sim", {400}, 0, 900, /*slo_passes=*/false), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->regressions, 2);
  EXPECT_EQ(row(*r, "throughput.completed_per_s").verdict, GateVerdict::regression);
  EXPECT_EQ(row(*r, "slo.like_p99_ms").verdict, GateVerdict::regression);
}

TEST(Gate, RefusesAnotherConfigurationNamingWhatDiffers) {
  GateFigures other = figures("sim", {400});
  other.identity.config_hash = "00000000000000bb";
  absl::StatusOr<GateResult> r = compare_figures(figures("sim", {400}), other, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("config_hash"), std::string::npos) << r.status();
  other = figures("sim", {400});
  other.identity.seed = 4;
  EXPECT_NE(compare_figures(figures("sim", {400}), other, {}).status().message().find("seed"),
            std::string::npos);
  other = figures("sim", {400});
  other.identity.build_type = "Debug";
  EXPECT_NE(compare_figures(figures("sim", {400}), other, {}).status().message().find("build_type"),
            std::string::npos);
}

TEST(Gate, AStrategyMissingFromTheReportIsBadInputAndANewOneIsNotGated) {
  GateFigures now = figures("sim", {400});
  now.strategies["extra"] = now.strategies["sharded_counter"];
  now.strategies.erase("sharded_counter");
  EXPECT_FALSE(compare_figures(figures("sim", {400}), now, {}).ok());
  GateFigures more = figures("sim", {400});
  more.strategies["extra"] = more.strategies["sharded_counter"];
  const absl::StatusOr<GateResult> r = compare_figures(figures("sim", {400}), more, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("extra"), std::string::npos);
}

TEST(Gate, AnEmptyBaselineIsBadInputNotAPass) {
  GateFigures empty = figures("sim", {400});
  empty.strategies.clear();
  EXPECT_FALSE(compare_figures(empty, figures("sim", {400}), {}).ok());
}

TEST(Gate, AFigureGoneFromTheReportIsARegression) {
  GateFigures now = figures("sim", {400});
  now.strategies["sharded_counter"].erase("like.latency_p99_us");
  const absl::StatusOr<GateResult> r = compare_figures(figures("sim", {400}), now, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(row(*r, "like.latency_p99_us").verdict, GateVerdict::regression);
}

// Nine real runs a side of the same system: the medians differ by more than 10 %, yet the test
// cannot tell them from noise, so the gate passes; three times slower fails, significantly.
TEST(Gate, RealReportsRegressOnlyWhenBeyondToleranceAndSignificant) {
  const std::vector<double> base = {400, 520, 380, 610, 450, 395, 700, 430, 505};
  const std::vector<double> noisy = {560, 410, 640, 390, 590, 470, 520, 650, 415};
  const absl::StatusOr<GateResult> same =
      compare_figures(figures("real", base), figures("real", noisy), {});
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->statistical);
  EXPECT_EQ(same->tolerance, 0.10);
  const GateRow& p99 = row(*same, "like.latency_p99_us");
  EXPECT_GT(p99.change, 0.10);
  EXPECT_EQ(p99.verdict, GateVerdict::not_significant);
  ASSERT_TRUE(p99.p_value.has_value());
  EXPECT_GE(*p99.p_value, 0.05);
  EXPECT_EQ(same->regressions, 0);

  std::vector<double> slower;
  for (double v : base) slower.push_back(3 * v);
  const absl::StatusOr<GateResult> worse =
      compare_figures(figures("real", base), figures("real", slower), {});
  EXPECT_EQ(row(*worse, "like.latency_p99_us").verdict, GateVerdict::regression);
  EXPECT_LT(*row(*worse, "like.latency_p99_us").p_value, 0.001);
  EXPECT_EQ(worse->regressions, 1);
}

TEST(Gate, OneRealReportASideIsJudgedByTheToleranceAndSaysSo) {
  const absl::StatusOr<GateResult> r =
      compare_figures(figures("real", {400}), figures("real", {1200}), {});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->statistical);
  EXPECT_EQ(r->regressions, 1);
  ASSERT_FALSE(r->notes.empty());
  EXPECT_NE(r->notes[0].find("no test of significance"), std::string::npos);
}

TEST(Gate, JsonCarriesTheVerdictRowsAndABencherBlock) {
  const GateFigures now = figures("real", {380, 420, 400});
  const absl::StatusOr<GateResult> r = compare_figures(figures("real", {400, 400, 400}), now, {});
  ASSERT_TRUE(r.ok());
  const nlohmann::ordered_json j = gate_json(*r, now);
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_EQ(j["rows"].size(), 6u);
  const auto& m = j["bmf"]["smoke/sharded_counter"]["like.latency_p99_us"];
  EXPECT_EQ(m["value"], 400.0);
  EXPECT_EQ(m["lower_value"], 380.0);
  EXPECT_EQ(m["upper_value"], 420.0);
}

}  // namespace
}  // namespace likesim
