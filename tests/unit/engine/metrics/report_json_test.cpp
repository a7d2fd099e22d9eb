#include "engine/metrics/report_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "engine/metrics/report_table.h"

namespace likesim {
namespace {

RunReport sample_report() {
  RunReport r;
  r.scenario = {"celebrity", "one hot post", "scenarios/celebrity.toml", 42, 210};
  r.engine = {1000, 215.5, 3.25, 307.7};
  for (const char* name : {"single_counter", "sharded_counter"}) {
    StrategyReport s;
    s.name = name;
    s.kind = name;
    s.ops[0].count = 10;
    s.ops[0].latency_us.p99 = 1500;
    s.drift.staleness_p99_ms = std::nan("");
    s.slo.push_back({"like_p99_ms", 200, 1.5, true});
    s.slo.push_back({"lost_likes", 0, 3, false});
    s.backends.redis_nodes.push_back({0, 0.5, 100, 3});
    s.timeseries.interval_ms = 100;
    s.timeseries.t_s = {0.1, 0.2};
    s.timeseries.columns.push_back({"offered_per_s", {10, 20}});
    r.strategies.push_back(s);
  }
  return r;
}

// The keys the issue names for likesim.report/1; a report that loses one fails here.
TEST(ReportJson, HasEveryRequiredKey) {
  const nlohmann::ordered_json j = to_json(sample_report());
  EXPECT_EQ(j["schema"], "likesim.report/1");
  const char* paths[] = {"/scenario/name",
                         "/scenario/seed",
                         "/engine/events",
                         "/engine/wall_seconds",
                         "/engine/events_per_second",
                         "/engine/simulated_seconds",
                         "/strategies/0/name",
                         "/strategies/0/kind",
                         "/strategies/0/ops/like/count",
                         "/strategies/0/ops/like/errors",
                         "/strategies/0/ops/unlike/latency_us/p50",
                         "/strategies/0/ops/count/latency_us/p90",
                         "/strategies/0/ops/status/latency_us/p99",
                         "/strategies/0/ops/like/latency_us/p999",
                         "/strategies/0/ops/like/latency_us/max",
                         "/strategies/0/ops/like/latency_us/mean",
                         "/strategies/0/throughput/offered_per_s",
                         "/strategies/0/throughput/completed_per_s",
                         "/strategies/0/drift/reads",
                         "/strategies/0/drift/abs_p99",
                         "/strategies/0/drift/abs_max",
                         "/strategies/0/drift/staleness_ms/p50",
                         "/strategies/0/drift/staleness_ms/p99",
                         "/strategies/0/drift/staleness_ms/max",
                         "/strategies/0/final/posts_checked",
                         "/strategies/0/final/lost_likes",
                         "/strategies/0/final/double_counts",
                         "/strategies/0/final/dedup_violations",
                         "/strategies/0/slo/0/name",
                         "/strategies/0/slo/0/limit",
                         "/strategies/0/slo/0/value",
                         "/strategies/0/slo/0/pass",
                         "/strategies/0/backends/redis_busiest_node_utilisation",
                         "/strategies/0/backends/db_row_lock_wait_p99_us",
                         "/strategies/0/backends/log_lag_max",
                         "/strategies/0/timeseries/t_s",
                         "/strategies/1/name"};
  for (const char* p : paths) {
    EXPECT_TRUE(j.contains(nlohmann::ordered_json::json_pointer(p))) << p;
  }
  EXPECT_EQ(j["strategies"][0]["ops"]["like"]["latency_us"]["p99"], 1500);
  // JSON has no NaN: a figure that is not a number is null.
  EXPECT_TRUE(j["strategies"][0]["drift"]["staleness_ms"]["p99"].is_null());
  EXPECT_EQ(j["strategies"][0]["timeseries"]["offered_per_s"][1], 20);
}

TEST(ReportJson, SameReportSameBytes) {
  EXPECT_EQ(report_json_text(sample_report()), report_json_text(sample_report()));
}

TEST(ReportTable, OneRowPerStrategyWithFailedSlosNamed) {
  const std::string table = report_table(sample_report());
  std::istringstream lines(table);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("single_counter", 0) == 0 || line.rfind("sharded_counter", 0) == 0) {
      ++rows;
      EXPECT_NE(line.find("FAIL lost_likes"), std::string::npos) << line;
      EXPECT_NE(line.find("1.50"), std::string::npos) << line;  // like p99 in ms
    }
  }
  EXPECT_EQ(rows, 2);
}

}  // namespace
}  // namespace likesim
