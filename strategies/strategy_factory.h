// make_strategy: builds the strategy a scenario's [strategy.NAME] table describes.
//
//   std::unique_ptr<Strategy> s = make_strategy(config, world.context(seed));
#pragma once

#include <memory>

#include "strategies/strategy.h"

namespace likesim {

std::unique_ptr<Strategy> make_strategy(const StrategyConfig& config, const StrategyContext& ctx);

}  // namespace likesim
