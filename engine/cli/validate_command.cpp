#include "engine/cli/validate_command.h"

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/backends/real/endpoint.h"
#include "engine/calibrate/validate.h"
#include "engine/cli/output_file.h"
#include "engine/scenario/scenario_loader.h"

namespace po = boost::program_options;

namespace likesim {
namespace {

// The machine's 1-minute load average: real figures on a 2-core machine shared with builds
// mean little when it is far above 2, so the table says what it was.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

// The share of the last 10 s in which some runnable task waited for a CPU (Linux PSI), or "?".
std::string cpu_pressure() {
  std::ifstream in("/proc/pressure/cpu");
  std::string some, avg10;
  in >> some >> avg10;
  return avg10.rfind("avg10=", 0) == 0 ? avg10.substr(6) + "%" : "?";
}

}  // namespace

int validate_command(int argc, char** argv) {
  std::string costs_path, out_path, scenario_path = "scenarios/real-smoke.toml";
  std::string redis, pg, shapes;
  ValidateOptions options;
  po::options_description visible(
      "Usage: likesim validate [options]\n"
      "\n"
      "Runs the same load shapes in the simulator and against the real servers (start them\n"
      "with scripts/backends up), at points the calibration did not fit, and prints sim, real\n"
      "and error = (sim - real) / real for each, with a verdict against the goals: throughput\n"
      "within 20 %, p50 within 30 %, p99 within 50 %. Shapes: single-key INCRBY at 25, 50, 75\n"
      "and 90 % of the knee; MGET of 16 shards over the 3-node cluster; the PostgreSQL hot row\n"
      "at 4, 16 and 64 clients, inserts, insert + counter; every strategy of the scenario.\n"
      "The real side runs twice: 'again' and 'repeat' say how far the servers' own figures\n"
      "move between two runs, and a miss they cannot resolve is marked (real unsteady).\n"
      "Takes about a minute (--quick: a few seconds). It empties the servers' data\n"
      "(FLUSHALL, TRUNCATE): point it at throwaway servers only.\n"
      "\n"
      "Options");
  visible.add_options()("help,h", "show this help")(
      "costs", po::value(&costs_path)->value_name("FILE"),
      "the cost file from 'likesim calibrate' (default: the scenario's costs; the knee is then "
      "measured first)")("out,o", po::value(&out_path)->value_name("FILE.json"),
                         "also write the rows as JSON ('-' for stdout)")(
      "quick", "test-sized: short windows, one strategy, the real side once")(
      "once", "run the real side once (no 'again' column)")(
      "shapes", po::value(&shapes)->value_name("A,B"),
      "only these shapes: incr, mget, pg_hot_row, pg_insert, pg_insert_counter, strategies")(
      "knee", po::value(&options.knee_per_s)->value_name("RATE"),
      "the single-key INCRBY knee in commands/s (default: from the cost file, else measured)")(
      "scenario", po::value(&scenario_path)->value_name("FILE"),
      "the strategies and costs to validate (default scenarios/real-smoke.toml)")(
      "redis", po::value(&redis)->value_name("HOST:PORT"),
      "the Redis node (default 127.0.0.1:7001)")(
      "redis-cluster", po::value(&options.cluster)->value_name("HOST:PORT,..."),
      "the Redis Cluster of the MGET shape (default 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103)")(
      "pg", po::value(&pg)->value_name("CONNINFO"),
      "PostgreSQL (default \"host=127.0.0.1 port=5433 dbname=likesim user=likesim\")");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(visible).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "likesim validate: " << e.what() << " (see likesim validate --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible << "\nExample:\n  likesim calibrate --out /tmp/cal.toml\n"
              << "  likesim validate --costs /tmp/cal.toml --out validate.json\n";
    return 0;
  }
  for (absl::string_view s : absl::StrSplit(shapes, ',', absl::SkipWhitespace())) {
    const std::string name(absl::StripAsciiWhitespace(s));
    const auto& known = validate_shape_names();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::cerr << "likesim validate: --shapes: no shape named '" << name
                << "' (known: " << absl::StrJoin(known, ", ") << ")\n";
      return 2;
    }
    options.shapes.insert(name);
  }
  if (vm.count("knee") && !(options.knee_per_s >= 1000 && options.knee_per_s <= 1e8)) {
    std::cerr << "likesim validate: --knee must be in 1000..1e8 commands/s\n";
    return 2;
  }
  if (absl::StatusOr<std::vector<real::Endpoint>> e = real::parse_endpoints(options.cluster);
      !e.ok()) {
    std::cerr << "likesim validate: --redis-cluster: " << e.status().message() << "\n";
    return 2;
  }
  if (!out_path.empty() && out_path != "-") {
    const std::filesystem::path parent = std::filesystem::path(out_path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      std::cerr << "likesim validate: --out " << out_path << ": directory '" << parent.string()
                << "' does not exist\n";
      return 2;
    }
  }
  // The addresses are scenario values, so they are checked (and named in errors) as such.
  std::vector<std::string> overrides;
  if (!redis.empty()) overrides.push_back("real.redis=\"" + redis + "\"");
  if (!pg.empty()) overrides.push_back("real.pg='" + pg + "'");
  absl::StatusOr<Scenario> scenario = load_scenario(scenario_path, overrides, costs_path);
  if (!scenario.ok()) {
    std::cerr << "likesim validate: " << scenario.status().message() << "\n";
    return 2;
  }
  options.scenario = *std::move(scenario);
  options.knee_from_costs = !costs_path.empty();
  options.quick = vm.count("quick") > 0;
  options.repeat_real = !options.quick && vm.count("once") == 0;

  ValidateResult result;
  const std::string load_before = load_average();
  const std::string pressure_before = cpu_pressure();
  try {
    result = validate(options, [](const std::string& line) { std::cerr << line; });
  } catch (const std::exception& e) {
    std::cerr << "likesim validate: " << e.what() << "\n";
    return 1;
  }
  const std::string load_after = load_average();
  const std::string pressure_after = cpu_pressure();
  if (out_path != "-") {
    std::cout << "load average (1 min): " << load_before << " before, " << load_after
              << " after; time some task waited for a CPU (10 s): " << pressure_before
              << " before, " << pressure_after << " after\n";
    if (result.knee_per_s > 0) {
      std::cout << "single-key INCRBY knee: " << static_cast<long long>(result.knee_per_s) << "/s ("
                << result.knee_source << ")\n";
    }
    std::cout << "costs: "
              << (costs_path.empty() ? options.scenario.file + " (no --costs)" : costs_path) << "\n"
              << validation_table(result.rows);
  }
  if (!out_path.empty()) {
    nlohmann::ordered_json j = validation_json(result.rows);
    j["costs"] = costs_path;
    j["knee_per_s"] = result.knee_per_s;
    j["knee_source"] = result.knee_source;
    j["load_average_before"] = load_before;
    j["load_average_after"] = load_after;
    j["cpu_pressure_before"] = pressure_before;
    j["cpu_pressure_after"] = pressure_after;
    if (!write_output(out_path, j.dump(2) + "\n")) {
      std::cerr << "likesim validate: cannot write '" << out_path << "'\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace likesim
