// The comparison arithmetic of `likesim validate`: error %, verdicts at and past each goal,
// and the table and JSON built from them. Expected values are worked out by hand.
#include "engine/calibrate/validate_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace likesim {
namespace {

TEST(ValidateErrorPercent, IsSimMinusRealOverReal) {
  EXPECT_DOUBLE_EQ(error_percent(130, 100), 30.0);                 // (130 - 100) / 100
  EXPECT_DOUBLE_EQ(error_percent(42, 112), -62.5);                 // (42 - 112) / 112 = -0.625
  EXPECT_DOUBLE_EQ(error_percent(4089, 349), 1071.6332378223496);  // 3740 / 349
  EXPECT_DOUBLE_EQ(error_percent(5, 5), 0.0);
}

TEST(ValidateErrorPercent, IsNaNWithoutARealFigure) {
  EXPECT_TRUE(std::isnan(error_percent(10, 0)));
  EXPECT_TRUE(std::isnan(error_percent(10, -1)));
  EXPECT_TRUE(std::isnan(error_percent(std::numeric_limits<double>::quiet_NaN(), 10)));
  EXPECT_TRUE(std::isnan(error_percent(std::numeric_limits<double>::infinity(), 10)));
  EXPECT_TRUE(std::isnan(error_percent(10, std::numeric_limits<double>::infinity())));
}

TEST(ValidateVerdict, GoalsAre20ThroughputAnd30P50And50P99) {
  EXPECT_EQ(goal_percent(Metric::throughput), 20);
  EXPECT_EQ(goal_percent(Metric::p50), 30);
  EXPECT_EQ(goal_percent(Metric::p99), 50);
}

TEST(ValidateVerdict, OkUpToTheGoalOnEitherSideMissPastIt) {
  // throughput: real 1000/s; 1200 and 800 are exactly 20 % off.
  EXPECT_EQ(verdict({"s", "p", Metric::throughput, 1200, 1000}), Verdict::ok);
  EXPECT_EQ(verdict({"s", "p", Metric::throughput, 800, 1000}), Verdict::ok);
  EXPECT_EQ(verdict({"s", "p", Metric::throughput, 1201, 1000}), Verdict::miss);
  EXPECT_EQ(verdict({"s", "p", Metric::throughput, 799, 1000}), Verdict::miss);
  // p50: real 40 µs; 52 is +30 %, 53 is +32.5 %.
  EXPECT_EQ(verdict({"s", "p", Metric::p50, 52, 40}), Verdict::ok);
  EXPECT_EQ(verdict({"s", "p", Metric::p50, 53, 40}), Verdict::miss);
  EXPECT_EQ(verdict({"s", "p", Metric::p50, 28, 40}), Verdict::ok);    // -30 %
  EXPECT_EQ(verdict({"s", "p", Metric::p50, 27, 40}), Verdict::miss);  // -32.5 %
  // p99: real 200 µs; 300 is +50 %, 99 is -50.5 %. The same 35 % that misses a p50 passes a p99.
  EXPECT_EQ(verdict({"s", "p", Metric::p99, 300, 200}), Verdict::ok);
  EXPECT_EQ(verdict({"s", "p", Metric::p99, 99, 200}), Verdict::miss);
  EXPECT_EQ(verdict({"s", "p", Metric::p99, 270, 200}), Verdict::ok);
  EXPECT_EQ(verdict({"s", "p", Metric::p50, 270, 200}), Verdict::miss);
  EXPECT_EQ(verdict({"s", "p", Metric::p99, 10, 0}), Verdict::no_data);
}

TEST(ValidateVerdict, CountsEachKind) {
  const std::vector<ValidationRow> rows = {{"a", "1", Metric::p50, 10, 10},
                                           {"a", "2", Metric::p50, 20, 10},
                                           {"a", "3", Metric::p99, 14, 10},
                                           {"a", "4", Metric::p99, 1, 0}};
  const VerdictCounts c = count_verdicts(rows);
  EXPECT_EQ(c.ok, 2);
  EXPECT_EQ(c.miss, 1);
  EXPECT_EQ(c.no_data, 1);
}

TEST(ValidateRepeat, IsTheRealSecondRunAgainstTheFirst) {
  EXPECT_DOUBLE_EQ(repeat_percent({"s", "p", Metric::p50, 50, 40, "", 52}), 30.0);  // 12 / 40
  EXPECT_DOUBLE_EQ(repeat_percent({"s", "p", Metric::p50, 50, 40, "", 30}), -25.0);
  EXPECT_TRUE(std::isnan(repeat_percent({"s", "p", Metric::p50, 50, 40})));  // measured once
}

TEST(ValidateRepeat, AMissIsUnresolvedOnlyWhenTheRepeatIsPastTheGoalToo) {
  // p50 goal 30 %: sim 60 vs real 40 is +50 %, a miss.
  EXPECT_FALSE(unresolved_by_real({"s", "p", Metric::p50, 60, 40, "", 52}));  // repeat +30 %
  EXPECT_TRUE(unresolved_by_real({"s", "p", Metric::p50, 60, 40, "", 53}));   // +32.5 %
  EXPECT_TRUE(unresolved_by_real({"s", "p", Metric::p50, 60, 40, "", 20}));   // -50 %
  EXPECT_FALSE(unresolved_by_real({"s", "p", Metric::p50, 60, 40}));          // measured once
  // Not a miss: nothing to resolve, however unsteady the real side.
  EXPECT_FALSE(unresolved_by_real({"s", "p", Metric::p50, 41, 40, "", 400}));
  // p99 goal 50 %: the same +32.5 % repeat is steady enough.
  EXPECT_FALSE(unresolved_by_real({"s", "p", Metric::p99, 100, 40, "", 53}));
  const std::vector<ValidationRow> rows = {{"a", "1", Metric::p50, 60, 40, "", 53},
                                           {"a", "2", Metric::p50, 60, 40, "", 41},
                                           {"a", "3", Metric::p50, 40, 40, "", 80}};
  const VerdictCounts c = count_verdicts(rows);
  EXPECT_EQ(c.ok, 1);
  EXPECT_EQ(c.miss, 2);
  EXPECT_EQ(c.miss_unresolved, 1);
  const std::string t = validation_table(rows);
  EXPECT_NE(t.find("MISS (real unsteady)"), std::string::npos) << t;
  EXPECT_NE(t.find("+32.5%"), std::string::npos) << t;  // row 1's repeat
  EXPECT_NE(t.find("1 ok, 2 missed (1 where"), std::string::npos) << t;
  const nlohmann::ordered_json j = validation_json(rows);
  EXPECT_DOUBLE_EQ(j["rows"][0]["real_again"].get<double>(), 53.0);
  EXPECT_DOUBLE_EQ(j["rows"][0]["repeat_pct"].get<double>(), 32.5);
  EXPECT_TRUE(j["rows"][0]["unresolved_by_real"].get<bool>());
  EXPECT_FALSE(j["rows"][1]["unresolved_by_real"].get<bool>());
  EXPECT_EQ(j["miss_unresolved"], 1);
}

TEST(ValidateTable, PrintsEveryRowWithItsErrorAndVerdict) {
  const std::vector<ValidationRow> rows = {
      {"incr one key", "25% knee (20000/s)", Metric::p50, 26, 20},
      {"pg hot row", "16 clients", Metric::throughput, 2400, 3000, "in-sample"},
      {"mget", "2000/s", Metric::p99, 5, 0}};
  const std::string t = validation_table(rows);
  // header + 3 rows + the count line
  EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 5) << t;
  EXPECT_NE(t.find("shape"), std::string::npos);
  // 26 vs 20: +30.0 %, exactly the p50 goal: ok.
  const std::size_t incr = t.find("incr one key");
  const std::string incr_line = t.substr(incr, t.find('\n', incr) - incr);
  EXPECT_NE(incr_line.find("+30.0%"), std::string::npos) << incr_line;
  EXPECT_NE(incr_line.find(" ok"), std::string::npos) << incr_line;
  // 2400 vs 3000: -20.0 %, exactly the throughput goal: ok; the note is shown.
  const std::size_t pg = t.find("pg hot row");
  const std::string pg_line = t.substr(pg, t.find('\n', pg) - pg);
  EXPECT_NE(pg_line.find("2400"), std::string::npos) << pg_line;
  EXPECT_NE(pg_line.find("3000"), std::string::npos) << pg_line;
  EXPECT_NE(pg_line.find("-20.0%"), std::string::npos) << pg_line;
  EXPECT_NE(pg_line.find("in-sample"), std::string::npos) << pg_line;
  const std::size_t mget = t.find("mget");
  EXPECT_NE(t.substr(mget, t.find('\n', mget) - mget).find("n/a"), std::string::npos);
  EXPECT_NE(t.find("2 ok, 0 missed (0 where"), std::string::npos) << t;
  EXPECT_NE(t.find("1 without data"), std::string::npos) << t;
}

TEST(ValidateTable, JsonHoldsTheSameFiguresAndNullForNoError) {
  const std::vector<ValidationRow> rows = {{"incr", "50%", Metric::p99, 90, 60},
                                           {"incr", "90%", Metric::p50, 7, 0}};
  const nlohmann::ordered_json j = validation_json(rows);
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["metric"], "p99 us");
  EXPECT_DOUBLE_EQ(j["rows"][0]["error_pct"].get<double>(), 50.0);  // (90 - 60) / 60
  EXPECT_EQ(j["rows"][0]["verdict"], "ok");
  EXPECT_EQ(j["rows"][0]["goal_pct"], 50.0);
  EXPECT_TRUE(j["rows"][1]["error_pct"].is_null());
  EXPECT_TRUE(j["rows"][0]["real_again"].is_null());  // measured once
  EXPECT_TRUE(j["rows"][0]["repeat_pct"].is_null());
  EXPECT_EQ(j["rows"][1]["verdict"], "n/a");
  EXPECT_EQ(j["ok"], 1);
  EXPECT_EQ(j["no_data"], 1);
}

}  // namespace
}  // namespace likesim
