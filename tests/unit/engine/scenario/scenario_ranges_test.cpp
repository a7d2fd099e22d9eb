// Every numeric key of the schema (enumerated from scenario_schema.h, so a new key cannot
// escape) is fed values outside its range -- inf, -inf, nan, 1e300, -1e300, just past each
// bound, 0 and negatives where the key does not allow them -- and a value of the wrong type,
// through the file, --set and cost files: each ends in one line naming where and which key.
// A sample goes through the real binary, under a timeout, and must exit 2 without hanging.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "engine/metrics/slo_evaluator.h"
#include "engine/scenario/scenario_loader.h"
#include "engine/scenario/scenario_schema.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "likesim_scenario_ranges_test" /
                       // one folder per test: ctest runs the tests of a file at once
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

std::string full_key(const NumericKey& k) {
  return k.section.empty() ? std::string(k.key) : std::string(k.section) + "." + std::string(k.key);
}

// TOML literals outside the key's range, or of the wrong type.
std::vector<std::string> bad_values(const NumericRange& r) {
  std::vector<std::string> v = {"inf", "-inf", "nan", "1e300", "-1e300", "\"abc\""};
  if (r.lo > 0 || (r.lo == 0 && r.lo_open)) v.push_back("0");
  if (r.lo >= 0) v.push_back("-1");
  if (r.integer) {
    v.push_back("1.5");  // a float where an integer is wanted
    if (r.hi < 9e18) v.push_back(std::to_string(static_cast<std::int64_t>(r.hi) + 1));
    if (r.lo > 0) v.push_back(std::to_string(static_cast<std::int64_t>(r.lo) - 1));
  } else {
    v.push_back(format_number(r.hi * 2));
    if (r.lo > 0) v.push_back(format_number(r.lo / 2));
  }
  return v;
}

constexpr const char* kStrategies =
    "[strategy.count_query]\n[strategy.single_counter]\n[strategy.sharded_counter]\n"
    "[strategy.write_buffered]\n[strategy.async_log]\n";

// A valid scenario with `key = value` in its section; `line` is set to the key's line.
std::string scenario_with(const NumericKey& k, const std::string& value, int& line) {
  const std::string assignment = std::string(k.key) + " = " + value + "\n";
  std::string text;
  if (k.section.empty()) {
    text = assignment;
    line = 1;
    if (k.key != "duration_s") text += "duration_s = 10\n";
    return text + kStrategies;
  }
  text = std::string("duration_s = 10\n") + kStrategies;  // lines 1-6
  const std::string section(k.section);
  if (section == "fault") {
    const bool slowdown = k.key == "factor" || k.key == "for_s";
    text += slowdown ? "[[fault]]\nkind = \"backend_slowdown\"\n"
                     : "[[fault]]\nkind = \"redis_node_crash\"\n";  // 7, 8
    if (k.key != "at_s") text += "at_s = 1\n";
  } else if (section.rfind("strategy.", 0) == 0) {
    text = "duration_s = 10\n";
    for (const char* kind :
         {"count_query", "single_counter", "sharded_counter", "write_buffered", "async_log"}) {
      text += "[strategy." + std::string(kind) + "]\n";
      if (section == "strategy." + std::string(kind)) {
        line = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
        text += assignment;
      }
    }
    return text;
  } else {
    text += "[" + section + "]\n";
  }
  line = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  return text + assignment;
}

std::string load_error(const std::string& path, const std::vector<std::string>& overrides,
                       const std::string& costs = {}) {
  auto s = load_scenario(path, overrides, costs);
  if (s.ok()) return "(loaded)";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << s.status().message();
  return std::string(s.status().message());
}

TEST(ScenarioRanges, EveryNumericKeyRefusesValuesOutsideItsRangeInTheFile) {
  int checked = 0;
  for (const NumericKey& k : numeric_keys()) {
    const std::string key = full_key(k);
    for (const std::string& value : bad_values(k.range)) {
      int line = 0;
      const std::string path = write_file("range.toml", scenario_with(k, value, line));
      std::string expected_key = key;
      if (k.section == "fault") expected_key = "fault[0]." + std::string(k.key);
      const std::string message = load_error(path, {});
      const std::string where = path + ":" + std::to_string(line) + ": " + expected_key + ": ";
      EXPECT_EQ(message.rfind(where, 0), 0u) << key << " = " << value << ": " << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_TRUE(message.find(" out of range ") != std::string::npos ||
                  message.find(": expected a") != std::string::npos)
          << message;
      ++checked;
    }
  }
  EXPECT_GT(checked, 500);
}

TEST(ScenarioRanges, EveryNumericKeyRefusesThemThroughSet) {
  const std::string path = write_file("base.toml", std::string("duration_s = 10\n") + kStrategies);
  for (const NumericKey& k : numeric_keys()) {
    if (k.section == "fault") continue;  // [[fault]] is an array: --set cannot reach it
    const std::string key = full_key(k);
    for (const std::string& value : bad_values(k.range)) {
      const std::string set = key + "=" + value;
      const std::string message = load_error(path, {set});
      EXPECT_EQ(message.rfind("--set " + set + ": " + key + ": ", 0), 0u) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

TEST(ScenarioRanges, EveryCostKeyRefusesThemInACostFile) {
  const std::string path = write_file("base.toml", std::string("duration_s = 10\n") + kStrategies);
  int checked = 0;
  for (const NumericKey& k : numeric_keys()) {
    if (std::string(k.section).rfind("backends.", 0) != 0) continue;
    for (const std::string& value : bad_values(k.range)) {
      const std::string costs =
          write_file("costs.toml", "[" + std::string(k.section) + "]\n" + std::string(k.key) +
                                       " = " + value + "\n");
      const std::string message = load_error(path, {}, costs);
      EXPECT_EQ(message.rfind(costs + ":2: " + full_key(k) + ": ", 0), 0u) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      ++checked;
    }
  }
  EXPECT_GT(checked, 200);
}

TEST(ScenarioRanges, EveryRangeIsFiniteAndEverySloHasOne) {
  std::set<std::string> seen;
  for (const NumericKey& k : numeric_keys()) {
    EXPECT_TRUE(std::isfinite(k.range.lo) && std::isfinite(k.range.hi)) << full_key(k);
    EXPECT_LT(k.range.lo, k.range.hi) << full_key(k);
    EXPECT_TRUE(seen.insert(full_key(k)).second) << "twice: " << full_key(k);
  }
  for (std::string_view slo : known_slo_metrics()) {
    EXPECT_TRUE(seen.contains("slo." + std::string(slo))) << "no range for slo." << slo;
  }
}

TEST(ScenarioRanges, ValuesInsideTheRangeLoad) {
  // The lower bound of every key loads (fault.at_s and target need their own context).
  const std::string path = write_file("base.toml", std::string("duration_s = 10\n") + kStrategies);
  for (const NumericKey& k : numeric_keys()) {
    if (k.section == "fault" || k.section == "slo" || k.key == "duration_s") continue;
    if (k.key == "hot_likes_per_s") continue;  // must stay >= cool_likes_per_s (100)
    if (k.key == "size_max") continue;         // must stay >= size_min (50)
    const double lo = k.range.lo_open ? k.range.lo + 0.5 : k.range.lo;
    const std::string value =
        k.range.integer ? std::to_string(static_cast<std::int64_t>(lo)) : format_number(lo);
    auto s = load_scenario(path, {full_key(k) + "=" + value});
    EXPECT_TRUE(s.ok()) << full_key(k) << "=" << value << ": " << s.status().message();
  }
}

TEST(ScenarioRanges, TooManyTimeSeriesIntervalsIsAnError) {
  const std::string path = write_file("base.toml", std::string("duration_s = 10\n") + kStrategies);
  const std::string message = load_error(path, {"duration_s=2592000", "interval_ms=100"});
  EXPECT_NE(message.find("--set interval_ms=100: interval_ms: duration_s = 2592000 at "
                         "interval_ms = 100 makes 25920000 time-series intervals"),
            std::string::npos)
      << message;
}

// --- the real binary, under a timeout so a hang fails the test instead of blocking CI ----

struct CommandResult {
  int exit_code = -1;  // 124 when the timeout stopped it
  std::string output;  // stdout and stderr together
};

CommandResult run_bounded(const std::string& args) {
  const std::string command = std::string("cd '") + source_dir() + "' && timeout -k 5 60 '" +
                              likesim_binary() + "' " + args + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(ScenarioRangesBinary, TheReportedCommandsExitTwoAtOnce) {
  for (const char* set : {"backends.kafka.poll_timeout_ms=0", "duration_s=inf", "duration_s=1e12",
                          "strategy.write_buffered.flush_interval_ms=0", "interval_ms=0"}) {
    const auto r = run_bounded(std::string("run scenarios/steady.toml --set ") + set);
    EXPECT_EQ(r.exit_code, 2) << set << ": " << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_NE(r.output.find(std::string("--set ") + set + ": "), std::string::npos) << r.output;
  }
}

TEST(ScenarioRangesBinary, ASampleOfKeysExitsTwoWithOneLine) {
  // The first key of every section that --set reaches, each bad value of it.
  std::set<std::string> sections;
  int runs = 0;
  for (const NumericKey& k : numeric_keys()) {
    if (k.section == "fault" || !sections.insert(std::string(k.section)).second) continue;
    for (const std::string& value : bad_values(k.range)) {
      const std::string set = full_key(k) + "=" + value;
      const auto r = run_bounded("run scenarios/smoke.toml -q --set '" + set + "'");
      EXPECT_EQ(r.exit_code, 2) << set << ": " << r.output;
      EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
      EXPECT_NE(r.output.find(full_key(k) + ": "), std::string::npos) << r.output;
      ++runs;
    }
  }
  EXPECT_GT(runs, 80);
}

}  // namespace
}  // namespace likesim
