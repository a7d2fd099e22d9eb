// The reports of small scenarios, pinned: a change that moves any figure likesim reports
// fails here until the pinned value is updated on purpose, with the reason in the commit.
// Speed work (making the simulator faster) must change nothing, so it must never need to.
//
// The pin is a hash (FNV-1a 64) of the report's canonical JSON without the fields that
// measure the machine or the engine's own work: wall-clock seconds, events per second, and
// the event count (fewer events for the same timeline is an optimisation, not a result).
// When a pin fails on purpose, the failure prints the new value to paste here.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

std::uint64_t fnv1a64(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The canonical report of `scenario` (its own seed), without machine and engine figures.
std::string canonical_report(const std::string& scenario) {
  const auto out = std::filesystem::temp_directory_path() /
                   ("likesim_pin_" + std::filesystem::path(scenario).stem().string() + ".json");
  std::filesystem::remove(out);
  const auto r = testing::run_likesim("run " + scenario + " -q --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(out);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << scenario;
  if (j.is_discarded()) return {};
  j.erase("engine");
  for (auto& s : j["strategies"]) {
    s.erase("wall_seconds");
    s.erase("events");
  }
  return j.dump();
}

std::string hex(std::uint64_t v) {
  char s[19];
  std::snprintf(s, sizeof s, "0x%016llx", static_cast<unsigned long long>(v));
  return s;
}

void expect_pinned(const std::string& scenario, std::uint64_t pinned) {
  const std::string text = canonical_report(scenario);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(hex(fnv1a64(text)), hex(pinned))
      << scenario << "'s report changed. If on purpose, pin the new value above and say why "
      << "in the commit; if not, something changed a result.";
}

// Every strategy, a burst, no faults.
TEST(ReportPin, Smoke) { expect_pinned("scenarios/smoke.toml", 0x5d6c7970d379f50a); }

// App-server and consumer crashes: lost and double-counted likes.
TEST(ReportPin, Crash) { expect_pinned("scenarios/crash.toml", 0x82971646b8b9c205); }

}  // namespace
}  // namespace likesim
