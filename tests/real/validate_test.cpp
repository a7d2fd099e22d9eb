// `likesim validate --quick` against the servers scripts/backends starts: it must produce
// rows with finite simulated and real figures for the shapes asked for (whether they agree is
// what the full run's table reports, not what a test can demand on a shared machine), and an
// unreachable server must end it with one line naming the address and exit 1. Without
// --quick the real side runs twice, and the rows carry the second run.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;

TEST(ValidateReal, QuickRunGivesFiniteSimAndRealFiguresForEachShape) {
  const std::string out =
      (std::filesystem::temp_directory_path() / "likesim_validate_test.json").string();
  const auto r =
      run_likesim("validate --quick --shapes incr,pg_hot_row --knee 40000 --out '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("incr one key"), std::string::npos) << r.output;
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  int incr = 0, hot = 0;
  for (const auto& row : j["rows"]) {
    const std::string shape = row["shape"];
    incr += shape == "incr one key";
    hot += shape == "pg hot row";
    ASSERT_TRUE(row["sim"].is_number()) << row.dump();
    ASSERT_TRUE(row["real"].is_number()) << row.dump();
    EXPECT_TRUE(std::isfinite(row["sim"].get<double>())) << row.dump();
    EXPECT_GT(row["real"].get<double>(), 0) << row.dump();
    EXPECT_GT(row["sim"].get<double>(), 0) << row.dump();
    EXPECT_NE(row["verdict"], "n/a") << row.dump();
  }
  EXPECT_EQ(incr, 8);  // 4 points x p50, p99
  EXPECT_EQ(hot, 9);   // 3 client counts x throughput, p50, p99
  std::filesystem::remove(out);
}

TEST(ValidateReal, WithoutQuickTheRealSideIsMeasuredTwice) {
  const std::string out =
      (std::filesystem::temp_directory_path() / "likesim_validate_repeat_test.json").string();
  const auto r = run_likesim("validate --shapes mget --out '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j["rows"].size(), 3u) << j.dump();  // throughput, p50, p99
  for (const auto& row : j["rows"]) {
    ASSERT_TRUE(row["real_again"].is_number()) << row.dump();
    EXPECT_GT(row["real_again"].get<double>(), 0) << row.dump();
    ASSERT_TRUE(row["repeat_pct"].is_number()) << row.dump();
    // The second run is its own measurement, and the repeat is computed from it.
    const double real = row["real"], again = row["real_again"];
    EXPECT_NEAR(row["repeat_pct"].get<double>(), (again - real) / real * 100, 1e-9);
  }
  EXPECT_TRUE(j.contains("miss_unresolved")) << j.dump();
  std::filesystem::remove(out);
}

TEST(ValidateReal, QuickMeasuresTheRealSideOnce) {
  const std::string out =
      (std::filesystem::temp_directory_path() / "likesim_validate_once_test.json").string();
  const auto r = run_likesim("validate --quick --shapes mget --out '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  for (const auto& row : j["rows"]) EXPECT_TRUE(row["real_again"].is_null()) << row.dump();
  std::filesystem::remove(out);
}

TEST(ValidateReal, UnreachableRedisIsOneLineNamingItsAddress) {
  const auto r = run_likesim("validate --quick --shapes incr --knee 40000 --redis 127.0.0.1:1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("likesim validate: redis 127.0.0.1:1"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace likesim
