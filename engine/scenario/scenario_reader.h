// ScenarioReader: a scenario document, read section by section into a Scenario with the typed
// getters of ValueReader (scenario_sections.cpp), then swept for unknown keys.
// Internal to the loader (engine/scenario/).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/scenario/scenario.h"
#include "engine/scenario/value_reader.h"

namespace likesim {

class ScenarioReader : public ValueReader {
 public:
  using ValueReader::ValueReader;
  Scenario read();

 private:
  void read_workload(const toml::table& t, WorkloadConfig& w);
  void read_backends(const toml::table& t, sim::CostModel& c);
  void read_real(const toml::table& t, RealServers& r);
  void read_strategies(const toml::table& t, std::vector<StrategyConfig>& out);
  StrategyConfig read_strategy(const std::string& name, const toml::table& t);
  void read_dedup(const toml::table& t, std::string_view prefix, DedupMethod& out);
  void read_faults(const toml::node& n, const Scenario& s, std::vector<FaultSpec>& out);
  void read_slos(const toml::table& t, std::vector<SloSpec>& out);
};

}  // namespace likesim
