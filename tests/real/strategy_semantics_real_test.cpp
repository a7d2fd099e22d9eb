// StrategySemantics (tests/unit/strategies/strategy_semantics.h): every strategy and knob
// combination's API semantics on the real servers scripts/backends starts (Redis 7001 and
// PostgreSQL 5433), each case on emptied data.
#include <gtest/gtest.h>

#include "engine/run/real_world.h"
#include "engine/run/strategy_run.h"
#include "tests/unit/strategies/strategy_semantics.h"

namespace likesim {

std::unique_ptr<World> make_semantics_world(const StrategyConfig& config) {
  Scenario scenario;                          // default servers (scripts/backends) and costs
  scenario.costs.kafka.poll_timeout_ms = 20;  // consumers notice stop() sooner
  return std::make_unique<RealWorld>(scenario, StrategyRun::log_consumers_of(config),
                                     [](const std::string&) {});
}

namespace {

INSTANTIATE_TEST_SUITE_P(RealServers, StrategySemantics, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.label;
                         });

}  // namespace
}  // namespace likesim
