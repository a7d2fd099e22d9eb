// load_scenario: parse the file, lay a cost file's values and then the --set overrides over it,
// and read it (scenario_sections.cpp). The loader's jobs live in their own files:
//   value_reader.*        typed getters with positions, the one range check
//   scenario_schema.*     every numeric key's range
//   scenario_overrides.*  --set and cost files
//   scenario_sections.cpp every section's keys and cross-checks
//   unknown_keys.cpp      the unknown-key sweep
#include "engine/scenario/scenario_loader.h"

#include <toml++/toml.h>

#include <sstream>
#include <stdexcept>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "engine/core/random_stream.h"
#include "engine/scenario/scenario_overrides.h"
#include "engine/scenario/scenario_reader.h"

static_assert(TOML_EXCEPTIONS, "the loader expects toml++ to throw parse errors");

namespace likesim {

namespace {

absl::StatusOr<Scenario> read_scenario(absl::StatusOr<toml::table> root, const std::string& path,
                                       const std::vector<std::string>& overrides,
                                       const std::string& costs_path) {
  if (!root.ok()) return root.status();
  try {
    std::vector<std::pair<std::string, std::string>> costs;
    if (!costs_path.empty()) {
      absl::StatusOr<toml::table> cost_root = parse_toml_file(costs_path, "cost file");
      if (!cost_root.ok()) return cost_root.status();
      cost_overrides(costs_path, *cost_root, costs);
    }
    ScenarioReader reader(path, *root);
    // Measured costs replace the scenario's; --set still has the last word.
    for (const auto& [set, origin] : costs) apply_override(reader, set, origin);
    for (const std::string& set : overrides) apply_override(reader, set);
    Scenario scenario = reader.read();
    std::ostringstream resolved;
    resolved << toml::toml_formatter(reader.root());  // toml::table keeps its keys sorted
    scenario.config_hash = absl::StrFormat("%016x", fnv1a(resolved.str()));
    return scenario;
  } catch (const LoadError& e) {
    return absl::InvalidArgumentError(e.message);
  } catch (const std::logic_error& e) {  // a key read without a range: a bug, not bad input
    return absl::InternalError(e.what());
  }
}

}  // namespace

absl::StatusOr<Scenario> load_scenario(const std::string& path,
                                       const std::vector<std::string>& overrides,
                                       const std::string& costs_path) {
  return read_scenario(parse_toml_file(path, "scenario"), path, overrides, costs_path);
}

absl::StatusOr<Scenario> load_scenario_text(std::string_view text, const std::string& name,
                                            const std::vector<std::string>& overrides) {
  return read_scenario(parse_toml_text(text, name), name, overrides, {});
}

}  // namespace likesim
