#include "engine/cli/run_command.h"

#include <boost/program_options.hpp>
#include <iostream>
#include <string>

#include "engine/cli/command_line.h"
#include "engine/cli/run_session.h"

namespace po = boost::program_options;

namespace likesim {
namespace {

constexpr const char* kUsage =
    "Usage: likesim run SCENARIO.toml [options]\n"
    "\n"
    "Runs the scenario's counting strategies side by side against simulated Redis,\n"
    "PostgreSQL and Kafka, prints one row per strategy and optionally writes the full JSON\n"
    "report. The same scenario and seed always give the same report.\n"
    "\n"
    "With --backend real the same strategies run, one after another, against real Redis\n"
    "(or a Redis Cluster, with the event log on Redis Streams) and PostgreSQL: start them\n"
    "with scripts/backends up. likesim creates its tables if missing and empties its data\n"
    "(FLUSHALL, TRUNCATE) before each strategy: point it at throwaway servers only.\n"
    "\n"
    "Options";

}  // namespace

int run_command(int argc, char** argv) {
  std::string scenario_path;
  RunSession session("run");
  po::options_description visible(kUsage);
  session.add_options(visible);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, visible, "scenario", scenario_path, "run", vm)) return 2;
  if (vm.count("help")) {
    std::cout << visible
              << "\nExample:\n  likesim run scenarios/celebrity.toml --out report.json\n";
    return 0;
  }
  if (scenario_path.empty()) {
    std::cerr << "likesim run: missing SCENARIO (a .toml file, e.g. scenarios/celebrity.toml)\n";
    return 2;
  }
  if (const int rc = session.check(vm)) return rc;
  return session.run(scenario_path);
}

}  // namespace likesim
