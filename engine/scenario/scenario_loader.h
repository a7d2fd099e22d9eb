// load_scenario: reads a scenario TOML file (DESIGN.md §6) into a Scenario, strictly.
//
// Every key is checked: an unknown key, a value of the wrong type or out of range, a fault
// naming a strategy the file does not have, or knobs that make no sense together is an error
// of one line naming the file, line and key, e.g.
//   scenarios/x.toml:12: strategy.sharded_counter.shards: expected an integer in 1..1024, got "abc"
//   scenarios/x.toml:7: unknown key 'workload.celebrity.peek_likes_per_s'
// `overrides` are `--set KEY.PATH=VALUE` strings applied to the parsed document before it is
// read (VALUE is TOML; a bare word is a string), and errors in them name the --set.
// `costs_path`, when given, is a cost file (`likesim calibrate --out`): its [backends.*]
// values replace the scenario's before the overrides, and errors name its file and line.
//
//   absl::StatusOr<Scenario> s = load_scenario("scenarios/celebrity.toml", {"duration_s=30"});
//   if (!s.ok()) { std::cerr << s.status().message() << "\n"; return 2; }
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/scenario/scenario.h"

namespace likesim {

// NotFoundError when the file cannot be read, InvalidArgumentError for anything else; the
// message is the one line to show.
absl::StatusOr<Scenario> load_scenario(const std::string& path,
                                       const std::vector<std::string>& overrides,
                                       const std::string& costs_path = {});

// The same for a document in memory (the fuzzer's entry point); `name` stands for the file in
// messages, and paths in it are relative to name's folder.
absl::StatusOr<Scenario> load_scenario_text(std::string_view text, const std::string& name,
                                            const std::vector<std::string>& overrides = {});

}  // namespace likesim
