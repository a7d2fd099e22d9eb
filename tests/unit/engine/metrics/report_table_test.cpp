#include "engine/metrics/report_table.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace likesim {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The cells of a row: columns are separated by two or more spaces.
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t end = line.find("  ", i);
    if (end != i) out.push_back(line.substr(i, end == std::string::npos ? end : end - i));
    if (end == std::string::npos) break;
    i = line.find_first_not_of(' ', end);
  }
  return out;
}

StrategyReport strategy(const std::string& name) {
  StrategyReport s;
  s.name = name;
  s.kind = name;
  return s;
}

RunReport sample_report() {
  RunReport r;
  r.scenario.name = "celebrity";
  r.scenario.seed = 42;
  r.scenario.duration_s = 180;

  StrategyReport a = strategy("sharded_counter");
  OpFigures& like = a.ops[static_cast<int>(Op::like)];
  like.latency_us.p50 = 412;     // 0.412 ms
  like.latency_us.p99 = 1500;    // 1.50 ms
  like.latency_us.p999 = 41234;  // 41.2 ms
  OpFigures& count = a.ops[static_cast<int>(Op::count)];
  count.latency_us.p50 = 999'600;    // 999.6 ms rounds to 1000
  count.latency_us.p99 = 4'120'000;  // 4120 ms
  a.throughput.completed_per_s = 999'999;
  a.throughput.offered_per_s = 12'345;
  a.drift.abs_max = 1234567;
  a.drift.staleness_p99_ms = 5.0;
  a.final.lost_likes = 12345;  // counts are exact, never "12.3k"
  a.final.double_counts = 2;
  a.final.dedup_violations = 0;
  a.ops[static_cast<int>(Op::like)].wrong_answers = 1;
  a.ops[static_cast<int>(Op::status)].wrong_answers = 2;
  a.backends.redis_nodes = {{0, 0.40, 10, 1}, {1, 0.97, 10, 5}, {2, 0.99, 0, 0}};
  a.slo = {{"like_p99_ms", 200, 1.5, true},
           {"lost_likes", 0, 12345, false},
           {"double_counts", 0, 2, false}};

  StrategyReport b = strategy("count_query");
  b.throughput.completed_per_s = 950;
  b.throughput.offered_per_s = 999.4;
  b.backends.db_statements = 100;
  b.backends.db_cpu_utilisation = 1.0;
  b.slo = {{"like_p99_ms", 200, 1.5, true}};

  StrategyReport c = strategy("single_counter");
  c.backends.db_statements = 100;
  c.backends.db_cpu_utilisation = 0.1;
  c.backends.db_row_lock_wait_p99_us = 77'800;

  r.strategies = {a, b, c};
  return r;
}

TEST(ReportTable, OneAlignedRowPerStrategyUnderTheHeader) {
  const std::vector<std::string> lines = lines_of(report_table(sample_report()));
  ASSERT_EQ(lines.size(), 5u);  // title, header, three rows
  EXPECT_NE(lines[0].find("celebrity"), std::string::npos);
  EXPECT_NE(lines[0].find("seed 42"), std::string::npos);
  const std::vector<std::string> header = cells_of(lines[1]);
  ASSERT_EQ(header.size(), 16u);
  EXPECT_EQ(header[0], "strategy");
  EXPECT_EQ(header.back(), "SLO");
  EXPECT_EQ(lines[2].rfind("sharded_counter", 0), 0u);
  EXPECT_EQ(lines[3].rfind("count_query", 0), 0u);
  EXPECT_EQ(lines[4].rfind("single_counter", 0), 0u);
  // Right-aligned numbers: every row's "lost" cell ends in the same column as its header.
  const std::size_t lost_end = lines[1].find("lost") + 4;
  for (int i = 2; i <= 4; ++i) {
    EXPECT_EQ(lines[static_cast<std::size_t>(i)][lost_end], ' ')
        << lines[static_cast<std::size_t>(i)];
    EXPECT_NE(lines[static_cast<std::size_t>(i)][lost_end - 1], ' ')
        << lines[static_cast<std::size_t>(i)];
  }
}

TEST(ReportTable, NumbersAreHumanReadable) {
  const std::vector<std::string> lines = lines_of(report_table(sample_report()));
  const std::vector<std::string> a = cells_of(lines[2]);
  ASSERT_EQ(a.size(), 16u) << lines[2];
  EXPECT_EQ(a[1], "0.412");        // like p50, ms, three significant digits
  EXPECT_EQ(a[2], "1.50");         // like p99
  EXPECT_EQ(a[3], "41.2");         // like p99.9
  EXPECT_EQ(a[4], "1000");         // count p50
  EXPECT_EQ(a[5], "4120");         // count p99
  EXPECT_EQ(a[6], "1.00M");        // done/s: 999,999 rounds up to the next suffix
  EXPECT_EQ(a[7], "12.3k");        // offered/s
  EXPECT_EQ(a[8], "1234567");      // |drift| max, exact
  EXPECT_EQ(a[9], "5.00");         // staleness p99, ms
  EXPECT_EQ(a[10], "12345");       // lost, exact
  EXPECT_EQ(a[11], "2");           // double
  EXPECT_EQ(a[12], "0");           // dedup violations
  EXPECT_EQ(a[13], "3");           // wrong answers, all operations
  EXPECT_EQ(a[14], "redis1 97%");  // redis2 served nothing
  EXPECT_EQ(a[15], "FAIL lost_likes,double_counts");
  const std::vector<std::string> b = cells_of(lines[3]);
  ASSERT_EQ(b.size(), 16u) << lines[3];
  EXPECT_EQ(b[1], "0");  // no likes answered
  EXPECT_EQ(b[6], "950");
  EXPECT_EQ(b[7], "999");
  EXPECT_EQ(b[13], "0");  // no wrong answers
  EXPECT_EQ(b[14], "pg cpu 100%");
  EXPECT_EQ(b[15], "PASS");
  const std::vector<std::string> c = cells_of(lines[4]);
  ASSERT_EQ(c.size(), 16u) << lines[4];
  EXPECT_EQ(c[14], "pg lock p99 77.8ms");  // a hot row with idle CPUs
  EXPECT_EQ(c[15], "-");                   // no SLOs
}

}  // namespace
}  // namespace likesim
