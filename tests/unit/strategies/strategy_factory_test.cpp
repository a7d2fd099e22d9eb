// make_strategy: the knobs' variant decides which strategy is built.
#include "strategies/strategy_factory.h"

#include <gtest/gtest.h>

#include "strategies/async_log.h"
#include "strategies/count_query.h"
#include "strategies/sharded_counter.h"
#include "strategies/single_counter.h"
#include "strategies/write_buffered.h"
#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {
namespace {

TEST(StrategyFactory, TheKnobsDecideTheStrategy) {
  StrategyHarness h;
  const StrategyContext ctx = h.context();
  auto build = [&](StrategyKnobs knobs) { return make_strategy({"s", "s", knobs}, ctx); };
  EXPECT_NE(dynamic_cast<CountQuery*>(build(CountQueryKnobs{}).get()), nullptr);
  EXPECT_NE(dynamic_cast<SingleCounter*>(build(SingleCounterKnobs{}).get()), nullptr);
  EXPECT_NE(dynamic_cast<ShardedCounter*>(build(ShardedCounterKnobs{}).get()), nullptr);
  EXPECT_NE(dynamic_cast<WriteBuffered*>(build(WriteBufferedKnobs{}).get()), nullptr);
  EXPECT_NE(dynamic_cast<AsyncLog*>(build(AsyncLogKnobs{}).get()), nullptr);
}

TEST(StrategyFactory, OnlyStrategiesWithTheComponentAcceptItsFault) {
  StrategyHarness h;
  const StrategyContext ctx = h.context();
  auto single = make_strategy({"s", "s", SingleCounterKnobs{}}, ctx);
  EXPECT_FALSE(single->crash_app_server(0));
  EXPECT_FALSE(single->crash_consumer(0));
  auto buffered = make_strategy({"w", "w", WriteBufferedKnobs{}}, ctx);
  EXPECT_TRUE(buffered->crash_app_server(3));
  EXPECT_FALSE(buffered->crash_app_server(4));
  EXPECT_FALSE(buffered->crash_consumer(0));
}

}  // namespace
}  // namespace likesim
