#include "engine/cli/run_command.h"

#include <boost/program_options.hpp>
#include <iostream>
#include <string>

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
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&scenario_path));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("scenario", 1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "likesim run: " << e.what() << " (see likesim run --help)\n";
    return 2;
  }
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
