#include "engine/metrics/report_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

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
                         "/strategies/0/final/lost_unlikes",
                         "/strategies/0/final/double_counts",
                         "/strategies/0/final/posts_wrong",
                         "/strategies/0/final/abs_error_sum",
                         "/strategies/0/ops/like/wrong_answers",
                         "/strategies/0/ops/batch_count/wrong_answers",
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

// Every key the issue requires, walked path by path, for every operation and strategy.
TEST(ReportJson, HasTheCompleteRequiredShape) {
  const nlohmann::ordered_json j = to_json(sample_report());
  std::vector<std::string> paths = {"/schema",
                                    "/scenario/name",
                                    "/scenario/seed",
                                    "/scenario/file",
                                    "/scenario/description",
                                    "/scenario/duration_s",
                                    "/engine/events",
                                    "/engine/wall_seconds",
                                    "/engine/events_per_second",
                                    "/engine/simulated_seconds"};
  const std::vector<std::string> per_strategy = {"/name",
                                                 "/kind",
                                                 "/knobs",
                                                 "/throughput/offered_per_s",
                                                 "/throughput/completed_per_s",
                                                 "/drift/reads",
                                                 "/drift/abs_p99",
                                                 "/drift/abs_max",
                                                 "/drift/staleness_ms/p50",
                                                 "/drift/staleness_ms/p99",
                                                 "/drift/staleness_ms/max",
                                                 "/final/posts_checked",
                                                 "/final/lost_likes",
                                                 "/final/lost_unlikes",
                                                 "/final/double_counts",
                                                 "/final/posts_wrong",
                                                 "/final/abs_error_sum",
                                                 "/final/dedup_violations",
                                                 "/slo/0/name",
                                                 "/slo/0/limit",
                                                 "/slo/0/value",
                                                 "/slo/0/pass",
                                                 "/backends/redis_busiest_node_utilisation",
                                                 "/backends/redis_nodes/0/node",
                                                 "/backends/redis_nodes/0/utilisation",
                                                 "/backends/redis_nodes/0/commands",
                                                 "/backends/redis_nodes/0/max_queue",
                                                 "/backends/db_row_lock_wait_p99_us",
                                                 "/backends/db_cpu_utilisation",
                                                 "/backends/log_lag_max",
                                                 "/figures",
                                                 "/timeseries/interval_ms",
                                                 "/timeseries/t_s",
                                                 "/timeseries/offered_per_s"};
  for (const char* s : {"/strategies/0", "/strategies/1"}) {
    for (const std::string& p : per_strategy) paths.push_back(s + p);
    for (const char* op : {"like", "unlike", "count", "status", "batch_count"}) {
      const std::string o = std::string(s) + "/ops/" + op;
      paths.push_back(o + "/count");
      paths.push_back(o + "/errors");
      for (const char* l : {"/latency_us/", "/service_latency_us/"}) {
        for (const char* k : {"p50", "p90", "p99", "p999", "p9999", "max", "mean"}) {
          paths.push_back(o + l + k);
        }
      }
    }
  }
  for (const std::string& p : paths) {
    EXPECT_TRUE(j.contains(nlohmann::ordered_json::json_pointer(p))) << p;
  }
  EXPECT_TRUE(j["strategies"][0]["knobs"].is_object());
  EXPECT_TRUE(j["strategies"][0]["figures"].is_object());
  EXPECT_TRUE(j["strategies"][0]["slo"].is_array());
  EXPECT_TRUE(j["strategies"][0]["backends"]["redis_nodes"].is_array());
}

// JSON has no NaN or infinity: every non-finite double comes out as null, wherever it is.
TEST(ReportJson, NonFiniteNumbersAreNull) {
  RunReport r = sample_report();
  const double inf = std::numeric_limits<double>::infinity();
  r.engine.events_per_second = inf;
  r.strategies[0].throughput.completed_per_s = -inf;
  r.strategies[0].figures.emplace_back("ratio", std::nan(""));
  r.strategies[0].timeseries.columns.push_back({"log_lag", {inf, 1}});
  const std::string text = report_json_text(r);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("inf"), std::string::npos);
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);
  EXPECT_TRUE(j["engine"]["events_per_second"].is_null());
  EXPECT_TRUE(j["strategies"][0]["throughput"]["completed_per_s"].is_null());
  EXPECT_TRUE(j["strategies"][0]["figures"]["ratio"].is_null());
  EXPECT_TRUE(j["strategies"][0]["timeseries"]["log_lag"][0].is_null());
  EXPECT_EQ(j["strategies"][0]["timeseries"]["log_lag"][1], 1);
}

// Keys come out in a fixed order (insertion order), doubles in their shortest exact form.
TEST(ReportJson, KeyOrderAndNumbersAreFixed) {
  const nlohmann::ordered_json j = to_json(sample_report());
  std::vector<std::string> top;
  for (const auto& [k, v] : j.items()) top.push_back(k);
  EXPECT_EQ(
      top, (std::vector<std::string>{"schema", "scenario", "engine", "strategies", "assumptions"}));
  const std::string text = report_json_text(sample_report());
  EXPECT_NE(text.find("\"simulated_seconds\": 215.5"), std::string::npos);
  EXPECT_NE(text.find("\"t_s\": [\n          0.1,"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(ReportJson, SameReportSameBytes) {
  EXPECT_EQ(report_json_text(sample_report()), report_json_text(sample_report()));
}

}  // namespace
}  // namespace likesim
