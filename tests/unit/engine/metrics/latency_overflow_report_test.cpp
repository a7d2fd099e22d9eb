// Latencies above the histograms' top (1 h) are counted, shown per operation in the JSON
// (ops.OP.latency_us.overflows) and warned about under the table.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/metrics/report_json.h"
#include "engine/metrics/report_table.h"
#include "engine/metrics/run_report.h"

namespace likesim {
namespace {

RunReport report_with_like_latencies(std::initializer_list<std::int64_t> us) {
  LatencyHistogram h;
  for (std::int64_t v : us) h.record_value(v);
  RunReport r;
  r.scenario.name = "t";
  StrategyReport s;
  s.name = "slow";
  s.kind = "count_query";
  s.ops[static_cast<int>(Op::like)].count = us.size();
  s.ops[static_cast<int>(Op::like)].latency_us = summarize(h);
  r.strategies.push_back(s);
  return r;
}

TEST(LatencyOverflowReport, ValuesAboveOneHourAreCountedPerOperation) {
  constexpr std::int64_t kHourUs = 3'600'000'000;
  const RunReport r = report_with_like_latencies({250, kHourUs, kHourUs + 1, 5 * kHourUs});
  EXPECT_EQ(r.strategies[0].ops[static_cast<int>(Op::like)].latency_us.overflows, 2u);
  const auto j = nlohmann::json::parse(report_json_text(r));
  EXPECT_EQ(j["strategies"][0]["ops"]["like"]["latency_us"]["overflows"], 2);
  EXPECT_EQ(j["strategies"][0]["ops"]["count"]["latency_us"]["overflows"], 0);
  const std::string table = report_table(r);
  EXPECT_NE(table.find("warning: slow: 2 like latencies above 1 h"), std::string::npos) << table;
}

TEST(LatencyOverflowReport, NoWarningWithoutOverflows) {
  const RunReport r = report_with_like_latencies({250, 3'600'000'000});
  EXPECT_EQ(r.strategies[0].ops[static_cast<int>(Op::like)].latency_us.overflows, 0u);
  EXPECT_EQ(report_table(r).find("above 1 h"), std::string::npos);
}

}  // namespace
}  // namespace likesim
