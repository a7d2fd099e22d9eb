#include "strategies/strategy_factory.h"

#include "strategies/async_log.h"
#include "strategies/count_query.h"
#include "strategies/sharded_counter.h"
#include "strategies/single_counter.h"
#include "strategies/write_buffered.h"

namespace likesim {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

std::unique_ptr<Strategy> make_strategy(const StrategyConfig& config, const StrategyContext& ctx) {
  return std::visit(Overloaded{
                        [&](const CountQueryKnobs&) -> std::unique_ptr<Strategy> {
                          return std::make_unique<CountQuery>(ctx);
                        },
                        [&](const SingleCounterKnobs& k) -> std::unique_ptr<Strategy> {
                          return std::make_unique<SingleCounter>(ctx, k);
                        },
                        [&](const ShardedCounterKnobs& k) -> std::unique_ptr<Strategy> {
                          return std::make_unique<ShardedCounter>(ctx, k);
                        },
                        [&](const WriteBufferedKnobs& k) -> std::unique_ptr<Strategy> {
                          return std::make_unique<WriteBuffered>(ctx, k);
                        },
                        [&](const AsyncLogKnobs& k) -> std::unique_ptr<Strategy> {
                          return std::make_unique<AsyncLog>(ctx, k);
                        },
                    },
                    config.knobs);
}

}  // namespace likesim
