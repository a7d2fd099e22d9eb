// likesim run --hdr-log: the log decoded by HdrHistogram's own Java library (Debian's
// libhdrhistogram-java, its HistogramLogProcessor, as a user runs it) agrees with the JSON
// report of the same run: total count per tag, p50 .. p99.99 and max, and per interval the
// answers of the report's time series.
//
// Java is required, not optional: scripts/setup installs openjdk-17-jre-headless and
// libhdrhistogram-java, and a machine without them fails here rather than skipping the only
// check by an independent decoder.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/metrics/latency_histogram.h"
#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;

constexpr const char* kJar = "/usr/share/java/hdrhistogram.jar";
// A dozen short JVM runs: without the optimising compiler each starts ~20 % sooner.
constexpr const char* kJava = "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs a shell command; its stdout and stderr.
testing::CommandResult shell(const std::string& command) {
  testing::CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool have_java(std::string& why) {
  if (shell("command -v java").exit_code != 0) {
    why = "no java on PATH (scripts/setup installs openjdk-17-jre-headless)";
    return false;
  }
  if (!std::filesystem::exists(kJar)) {
    why = std::string(kJar) + " missing (scripts/setup installs libhdrhistogram-java)";
    return false;
  }
  return true;
}

struct ProcessorRow {
  double timestamp = 0;  // the interval's end, s since StartTime
  long interval_count = 0;
  long total_count = 0;
  std::vector<double> totals;  // Total_50%, 90%, 99%, 99.9%, 99.99%, Max
};

// HistogramLogProcessor -csv over one tag, values in µs: its interval rows.
std::vector<ProcessorRow> process_tag(const std::string& log, const std::string& tag,
                                      const std::string& out) {
  const auto r = shell(std::string(kJava) + " -cp " + kJar +
                       " org.HdrHistogram.HistogramLogProcessor -csv -outputValueUnitRatio 1 -i '" +
                       log + "' -tag " + tag + " -o '" + out + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::vector<ProcessorRow> rows;
  std::istringstream in(read_file(out));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    std::vector<double> f;
    std::istringstream fields(line);
    for (std::string v; std::getline(fields, v, ',');) f.push_back(std::stod(v));
    EXPECT_EQ(f.size(), 12u) << line;
    if (f.size() != 12) continue;
    rows.push_back(
        {f[0], std::lround(f[1]), std::lround(f[5]), {f[6], f[7], f[8], f[9], f[10], f[11]}});
  }
  return rows;
}

// The rank HdrHistogram 2.1.11's getValueAtPercentile reaches (ceil, one ulp below p) and the
// one likesim's report uses (nearest, as HdrHistogram_c): they differ by one when p * N / 100
// has a fraction below one half.
std::uint64_t java_rank(double p, std::uint64_t n) {
  const double fp = (std::nextafter(p, -INFINITY) * static_cast<double>(n)) / 100.0;
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(fp)));
}
std::uint64_t report_rank(double p, std::uint64_t n) {
  return std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(n) + 0.5));
}

TEST(HdrLogCommand, HdrHistogramDecodesTheReportsFigures) {
  std::string why;
  ASSERT_TRUE(have_java(why)) << why;
  const auto dir = std::filesystem::temp_directory_path() / "likesim_hdr_log_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string log = (dir / "smoke.hlog").string(), json = (dir / "smoke.json").string();
  const auto run = run_likesim(
      "run scenarios/smoke.toml -q --strategies sharded_counter,write_buffered"
      " --hdr-log " +
      log + " --out " + json);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const nlohmann::json report = nlohmann::json::parse(read_file(json));

  // The tags: every strategy's operations that answered in the measured window.
  std::set<std::string> expected_tags;
  for (const auto& s : report["strategies"]) {
    for (const auto& [op, figures] : s["ops"].items()) {
      if (figures["count"].get<std::uint64_t>() > 0) {
        expected_tags.insert(s["name"].get<std::string>() + "." + op);
      }
    }
  }
  ASSERT_GE(expected_tags.size(), 8u);
  const auto listed = shell(std::string(kJava) + " -cp " + kJar +
                            " org.HdrHistogram.HistogramLogProcessor -listtags -i '" + log + "'");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::set<std::string> tags;
  std::istringstream lines(listed.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find('.') != std::string::npos) tags.insert(line);
  }
  EXPECT_EQ(tags, expected_tags) << listed.output;

  const LatencyHistogram layout;  // bucket bounds, as likesim's report has them
  const double kPs[] = {50.0, 90.0, 99.0, 99.9, 99.99};
  const char* kKeys[] = {"p50", "p90", "p99", "p999", "p9999"};
  int exact = 0, next_rank = 0;
  for (const auto& s : report["strategies"]) {
    const std::string name = s["name"];
    const double interval_s = s["timeseries"]["interval_ms"].get<double>() / 1000.0;
    const auto& answered = s["timeseries"]["answered_per_s"];
    std::map<long, long> answers_per_interval;  // by interval index, over the strategy's tags
    for (const auto& [op, figures] : s["ops"].items()) {
      const std::string tag = name + "." + op;
      if (!expected_tags.count(tag)) continue;
      const std::vector<ProcessorRow> rows = process_tag(log, tag, (dir / (tag + ".txt")).string());
      ASSERT_FALSE(rows.empty()) << tag;
      long sum = 0;
      for (const ProcessorRow& row : rows) {
        sum += row.interval_count;
        answers_per_interval[std::lround(row.timestamp / interval_s) - 1] += row.interval_count;
      }
      const ProcessorRow& all = rows.back();
      const auto n = figures["count"].get<std::uint64_t>();
      EXPECT_EQ(static_cast<std::uint64_t>(all.total_count), n) << tag;
      EXPECT_EQ(static_cast<std::uint64_t>(sum), n) << tag;
      const auto& latency = figures["latency_us"];
      // Java's max is its bucket's highest value; the report's is the exact value.
      const auto max = latency["max"].get<std::int64_t>();
      EXPECT_EQ(static_cast<std::int64_t>(all.totals[5]), layout.highest_equivalent(max)) << tag;
      for (int k = 0; k < 5; ++k) {
        const auto mine = latency[kKeys[k]].get<std::int64_t>();
        const auto java = static_cast<std::int64_t>(all.totals[static_cast<std::size_t>(k)]);
        if (java_rank(kPs[k], n) == report_rank(kPs[k], n)) {
          // The same sample: the same bucket (the report caps it at the exact max).
          EXPECT_EQ(java, layout.highest_equivalent(mine)) << tag << " " << kKeys[k];
          ++exact;
        } else {
          // One sample further: at or above the report's, and never past the max.
          EXPECT_GE(java, mine) << tag << " " << kKeys[k];
          EXPECT_LE(java, layout.highest_equivalent(max)) << tag << " " << kKeys[k];
          ++next_rank;
        }
      }
    }
    // Per interval, the answers of all the strategy's tags are the time series' answers.
    ASSERT_FALSE(answers_per_interval.empty());
    for (const auto& [i, count] : answers_per_interval) {
      ASSERT_GE(i, 0);
      ASSERT_LT(static_cast<std::size_t>(i), answered.size()) << name;
      EXPECT_EQ(count,
                std::lround(answered[static_cast<std::size_t>(i)].get<double>() * interval_s))
          << name << " interval " << i;
    }
  }
  std::cout << exact << " percentiles compared exactly, " << next_rank << " one rank apart\n";
  // Most percentiles are compared exactly (the rest are the rank rules' one-sample difference).
  EXPECT_GT(exact, next_rank) << exact << " exact, " << next_rank << " one rank apart";
}

TEST(HdrLogCommand, SameScenarioSameLogAndCheckedFlags) {
  const auto dir = std::filesystem::temp_directory_path() / "likesim_hdr_log_flags";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string a = (dir / "a.hlog").string(), b = (dir / "b.hlog").string();
  auto r = run_likesim(
      "run scenarios/smoke.toml -q -j 1 --strategies count_query,async_log --hdr-log " + a);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_likesim("run scenarios/smoke.toml -q -j 2 --strategies count_query,async_log --hdr-log " +
                  b);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string text = read_file(a);
  EXPECT_EQ(text, read_file(b));  // simulated: StartTime 0, virtual time, byte for byte
  EXPECT_EQ(text.rfind("#[likesim scenario=smoke seed=3 backend=sim", 0), 0u)
      << text.substr(0, 200);
  EXPECT_NE(text.find("\nTag=async_log.like,1.000,0.100,"), std::string::npos);

  r = run_likesim("run --help");
  EXPECT_NE(r.output.find("--hdr-log"), std::string::npos) << r.output;
  r = run_likesim("run scenarios/smoke.toml -q --hdr-log -");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--hdr-log -: needs a file name"), std::string::npos) << r.output;
  r = run_likesim("run scenarios/smoke.toml -q --hdr-log /nonexistent/dir/x.hlog");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--hdr-log /nonexistent/dir/x.hlog: directory"), std::string::npos)
      << r.output;

  // A strategy name no tag can hold.
  std::string scenario = read_file(std::filesystem::path(source_dir()) / "scenarios/smoke.toml");
  const std::string from = "[strategy.sharded_counter]";
  scenario.replace(scenario.find(from), from.size(),
                   "[strategy.\"sharded counter\"]\nkind = \"sharded_counter\"");
  const auto path = dir / "spaced.toml";
  std::ofstream(path) << scenario;
  r = run_likesim("run " + path.string() + " -q --hdr-log " + a);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("strategy name 'sharded counter' cannot be an HdrHistogram log tag"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace likesim
