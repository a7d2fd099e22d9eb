// Same scenario + same seed = the same report, byte for byte, apart from wall-clock fields
// (DESIGN.md §6); a different seed gives a different one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

nlohmann::json run_report(const std::string& extra, const std::string& tag) {
  const auto out = std::filesystem::temp_directory_path() / ("likesim_det_" + tag + ".json");
  std::filesystem::remove(out);
  auto r = testing::run_likesim("run scenarios/smoke.toml -q --out " + out.string() + " " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(out);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded());
  // Wall-clock fields are the only ones allowed to differ.
  if (j.contains("engine")) {
    j["engine"].erase("wall_seconds");
    j["engine"].erase("events_per_second");
  }
  if (j.contains("strategies")) {
    for (auto& s : j["strategies"]) s.erase("wall_seconds");
  }
  return j;
}

TEST(Determinism, SameSeedSameReportWhateverTheThreadCount) {
  nlohmann::json a = run_report("--seed 7 --jobs 1", "a");
  nlohmann::json b = run_report("--seed 7 --jobs 2", "b");
  ASSERT_FALSE(a.is_null());
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_GT(a["engine"]["events"].get<std::uint64_t>(), 0u);
}

TEST(Determinism, DifferentSeedDifferentReport) {
  nlohmann::json a = run_report("--seed 7", "c");
  nlohmann::json b = run_report("--seed 8", "d");
  EXPECT_NE(a.dump(), b.dump());
}

}  // namespace
}  // namespace likesim
