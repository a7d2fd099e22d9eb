// A scenario's workload.hawkes.sizes_file is read at load time: a bad row stops the load with
// one line naming the sizes file, its line and the field (the CLI turns it into exit code 2).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/scenario/scenario_loader.h"

namespace likesim {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "likesim_hawkes_sizes_file_test" /
                       // one folder per test: ctest runs the tests of a file at once
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

std::string scenario_with_sizes(const std::string& sizes_file) {
  return write_file("hawkes.toml",
                    "name = \"hawkes\"\n"
                    "seed = 1\n"
                    "duration_s = 10\n"
                    "[workload]\n"
                    "kind = \"hawkes\"\n"
                    "[workload.hawkes]\n"
                    "sizes_file = \"" +
                        sizes_file +
                        "\"\n"  // line 7
                        "[strategy.count_query]\n");
}

TEST(HawkesSizesFile, ARelativeSizesFileIsReadFromTheScenariosFolder) {
  write_file("sizes.csv", "cascade_id,size\n1,50\n2,70\n");
  const absl::StatusOr<Scenario> s = load_scenario(scenario_with_sizes("sizes.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->workload.kind, "hawkes");
  EXPECT_EQ(fs::path(s->workload.hawkes.sizes_file).filename(), "sizes.csv");
  EXPECT_TRUE(fs::path(s->workload.hawkes.sizes_file).is_absolute());
}

TEST(HawkesSizesFile, ABadRowIsOneLineNamingTheSizesFileLineAndField) {
  const std::string sizes = write_file("bad_sizes.csv", "cascade_id,size\n1,50\n2,x\n");
  const absl::StatusOr<Scenario> s = load_scenario(scenario_with_sizes("bad_sizes.csv"), {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), sizes + ":3: size: expected a positive integer, got \"x\"");
}

TEST(HawkesSizesFile, AMissingSizesFileNamesTheScenarioKey) {
  const std::string scenario = scenario_with_sizes("no_such_sizes.csv");
  const absl::StatusOr<Scenario> s = load_scenario(scenario, {});
  ASSERT_FALSE(s.ok());
  const std::string message(s.status().message());
  EXPECT_EQ(message.rfind(scenario + ":7", 0), 0u) << message;
  EXPECT_NE(message.find("workload.hawkes.sizes_file"), std::string::npos) << message;
  EXPECT_NE(message.find("cannot open the cascade sizes file"), std::string::npos) << message;
}

}  // namespace
}  // namespace likesim
