// likesim run --backend real --hdr-log: a real run records the same per-interval histograms as
// a simulated one (the same StrategyRun drives both worlds). HdrHistogram's own processor
// (libhdrhistogram-java, installed by scripts/setup) reads each operation's count back, and
// the log starts at the run's wall-clock time.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(HdrLogReal, RealRunsWriteTheSameHistograms) {
  const auto dir = std::filesystem::temp_directory_path() / "likesim_hdr_log_real";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string log = (dir / "real.hlog").string(), json = (dir / "real.json").string();
  const auto before = std::chrono::system_clock::now();
  const auto r = run_likesim(
      "run scenarios/real-smoke.toml --backend real -q --strategies sharded_counter "
      "--set duration_s=2 --hdr-log " +
      log + " --out " + json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string text = read_file(log);
  // StartTime: the run's wall clock, within the run.
  const auto start_at = text.find("#[StartTime: ");
  ASSERT_NE(start_at, std::string::npos) << text.substr(0, 400);
  const double start = std::stod(text.substr(start_at + 13));
  const double t0 = std::chrono::duration<double>(before.time_since_epoch()).count();
  EXPECT_GE(start, t0 - 1);
  EXPECT_LE(start, t0 + 60);
  EXPECT_NE(text.find("backend=real"), std::string::npos);

  const nlohmann::json report = nlohmann::json::parse(read_file(json));
  const auto& ops = report["strategies"][0]["ops"];
  int checked = 0;
  for (const auto& [op, figures] : ops.items()) {
    const auto n = figures["count"].get<long>();
    if (n == 0) continue;
    const std::string out = (dir / op).string();
    std::ostringstream cmd;
    cmd << "java -cp /usr/share/java/hdrhistogram.jar org.HdrHistogram.HistogramLogProcessor"
        << " -csv -outputValueUnitRatio 1 -i '" << log << "' -tag sharded_counter." << op << " -o '"
        << out << "' 2>&1";
    ASSERT_EQ(std::system(cmd.str().c_str()), 0) << cmd.str();
    std::istringstream rows(read_file(out));
    std::string line, last;
    while (std::getline(rows, line)) {
      if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0]))) last = line;
    }
    ASSERT_FALSE(last.empty()) << op;
    std::istringstream fields(last);
    std::string f;
    for (int i = 0; i < 6; ++i) std::getline(fields, f, ',');  // Total_Count
    EXPECT_EQ(std::stol(f), n) << op;
    ++checked;
  }
  EXPECT_GE(checked, 4);
}

}  // namespace
}  // namespace likesim
