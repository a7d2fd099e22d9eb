// A run whose clock stops stops with an error naming the component. The loader no longer lets a
// zero poll timeout through, so the planted spin is set on the loaded scenario directly: an
// async_log consumer polling an empty Kafka log with poll_timeout_ms = 0 polls again at the
// same instant, forever.
#include <gtest/gtest.h>

#include <string>

#include "engine/core/scheduler.h"
#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

TEST(NoProgress, AZeroPollTimeoutStopsTheRunNamingTheLogAndTheConsumer) {
  auto loaded = load_scenario(source_dir() + "/scenarios/smoke.toml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  Scenario s = *loaded;
  std::erase_if(s.strategies, [](const StrategyConfig& c) { return c.kind != "async_log"; });
  ASSERT_EQ(s.strategies.size(), 1u);
  s.costs.kafka.poll_timeout_ms = 0;  // the planted bug
  std::string message;
  try {
    run_simulated(s, RunOptions{1}, nullptr);
  } catch (const NoProgressError& e) {
    message = e.what();
  }
  ASSERT_FALSE(message.empty()) << "the run ended without the watchdog";
  EXPECT_EQ(message.rfind("strategy 'async_log': no progress at t=0.000000000 s: ", 0), 0u)
      << message;
  EXPECT_NE(message.find("sim::KafkaLog"), std::string::npos) << message;
  EXPECT_NE(message.find("AsyncLog::consumer_loop"), std::string::npos) << message;
}

}  // namespace
}  // namespace likesim
