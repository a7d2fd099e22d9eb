// The flags that say what `likesim plan` searches: `--knob NAME=LO..HI[:WEIGHT]` and
// `--target KEY=VALUE`, parsed, and a knob's short name turned into the scenario key it sets.
//
// Short names: a name the strategy's table accepts is that table's key (`shards` ->
// strategy.sharded_counter.shards, `consumers` -> strategy.async_log.consumers); `redis.X`,
// `postgres.X`, `kafka.X` are backends.*.X; anything else is taken as the full dotted key.
// Whether the key exists, and its range, is the scenario loader's to say (plan loads the
// scenario at each knob's lo and hi before it starts, and names the --knob in the error).
//
//   absl::StatusOr<KnobFlag> k = parse_knob_flag("shards=1..256:2");  // lo 1, hi 256, weight 2
//   std::string key = knob_key(k->name, scenario.strategies[0]);       //
//   strategy.sharded_counter.shards
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "engine/scenario/scenario_schema.h"
#include "strategies/strategy_config.h"

namespace likesim {

struct KnobFlag {
  std::string text;  // as given, for messages
  std::string name;
  std::int64_t lo = 0, hi = 0;
  double weight = 1;
};

struct TargetFlag {
  std::string text;
  std::string key;  // a full scenario key, e.g. workload.celebrity.peak_likes_per_s
  double value = 0;
};

// InvalidArgumentError naming the flag: "--knob shards=1-8: expected NAME=LO..HI[:WEIGHT] ...".
absl::StatusOr<KnobFlag> parse_knob_flag(const std::string& text);
absl::StatusOr<TargetFlag> parse_target_flag(const std::string& text);

// The scenario key a knob name stands for, for the strategy `strategy` (see above).
std::string knob_key(const std::string& name, const StrategyConfig& strategy);

// The schema row of a full key (its range; integer or not), or null when the schema has none
// (not numeric, or unknown: the loader will say). `strategy` maps strategy.NAME to its kind.
const NumericKey* schema_row(const std::string& key, const StrategyConfig& strategy);

}  // namespace likesim
