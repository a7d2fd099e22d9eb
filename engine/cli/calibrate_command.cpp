#include "engine/cli/calibrate_command.h"

#include <boost/program_options.hpp>
#include <iostream>
#include <string>

#include "engine/backends/real/endpoint.h"
#include "engine/calibrate/calibration.h"
#include "engine/cli/output_file.h"

namespace po = boost::program_options;

namespace likesim {

int calibrate_command(int argc, char** argv) {
  CalibrationOptions options;
  std::string out_path;
  po::options_description visible(
      "Usage: likesim calibrate [options]\n"
      "\n"
      "Measures the real Redis node and PostgreSQL (start them with scripts/backends up):\n"
      "per-command service times, the request overhead where one key saturates, Redis's\n"
      "event-loop iteration cost (its own CPU), round trips paced as a run sends them and their\n"
      "distributions (quantiles, drawn by the simulator: distribution = empirical), SQL\n"
      "statement, commit, WAL flush and COUNT(*) per-row costs, and, fitted by simulating closed\n"
      "loops measured the same way: the insert cost (4 clients), the WAL flush's wake-ups (32)\n"
      "and the hot row's contention and lock order (2, 8 and 32 clients).\n"
      "Writes a cost file that 'likesim run SCENARIO --costs FILE' loads, so the simulator's\n"
      "servers cost what these ones do. Takes about half a minute. It empties the servers' data\n"
      "(FLUSHALL, TRUNCATE): point it at throwaway servers only.\n"
      "\n"
      "Options");
  visible.add_options()("help,h", "show this help")("out,o",
                                                    po::value(&out_path)->value_name("FILE"),
                                                    "write the cost file here (default: stdout)")(
      "redis", po::value(&options.servers.redis)->value_name("HOST:PORT"),
      "the Redis node (default 127.0.0.1:7001)")(
      "pg", po::value(&options.servers.pg)->value_name("CONNINFO"),
      "PostgreSQL (default \"host=127.0.0.1 port=5433 dbname=likesim user=likesim\")")(
      "seconds", po::value(&options.seconds_per_measure)->value_name("S"),
      "length of each closed-loop measure, hot row and inserts (default 1; each INCRBY knee "
      "window takes at most 0.5)")("samples", po::value(&options.samples)->value_name("N"),
                                   "samples per latency measure (default 2000)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(visible).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "likesim calibrate: " << e.what() << " (see likesim calibrate --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible << "\nExample:\n  likesim calibrate --out calibration.toml\n"
              << "  likesim run scenarios/celebrity.toml --costs calibration.toml\n";
    return 0;
  }
  if (absl::StatusOr<real::Endpoint> e = real::parse_endpoint(options.servers.redis); !e.ok()) {
    std::cerr << "likesim calibrate: --redis: " << e.status().message() << "\n";
    return 2;
  }
  if (options.seconds_per_measure <= 0 || options.seconds_per_measure > 600 ||
      options.samples < 10 || options.samples > 10000000) {
    std::cerr << "likesim calibrate: --seconds must be in (0, 600] and --samples in 10..10^7\n";
    return 2;
  }
  std::string text;
  try {
    text = calibrate(options, [](const std::string& line) { std::cerr << line; });
  } catch (const std::exception& e) {
    std::cerr << "likesim calibrate: " << e.what() << "\n";
    return 1;
  }
  if (out_path.empty()) {
    std::cout << text;
    return 0;
  }
  if (!write_output(out_path, text)) {
    std::cerr << "likesim calibrate: cannot write '" << out_path << "'\n";
    return 1;
  }
  if (out_path != "-") std::cerr << "calibrate: wrote " << out_path << "\n";
  return 0;
}

}  // namespace likesim
