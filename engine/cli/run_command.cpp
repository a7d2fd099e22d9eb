#include "engine/cli/run_command.h"

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "engine/cli/output_file.h"
#include "engine/cli/progress_printer.h"
#include "engine/core/scheduler.h"
#include "engine/metrics/report_json.h"
#include "engine/metrics/report_table.h"
#include "engine/run/real_run.h"
#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"

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

// Keeps only the strategies named in `list` (comma-separated), in scenario order.
bool select_strategies(Scenario& scenario, const std::string& list, std::string& error) {
  std::set<std::string> wanted;
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    wanted.insert(std::string(absl::StripAsciiWhitespace(name)));
  }
  std::vector<StrategyConfig> kept;
  for (StrategyConfig& c : scenario.strategies) {
    if (wanted.erase(c.name)) kept.push_back(std::move(c));
  }
  if (!wanted.empty()) {
    std::string known;
    for (const StrategyConfig& c : scenario.strategies)
      known += (known.empty() ? "" : ", ") + c.name;
    error = "--strategies: no strategy named '" + *wanted.begin() + "' in " + scenario.file +
            " (it has: " + known + ")";
    return false;
  }
  scenario.strategies = std::move(kept);
  return true;
}

}  // namespace

int run_command(int argc, char** argv) {
  std::string scenario_path, out_path, strategies, backend = "sim", costs_path;
  std::string redis, redis_cluster, pg;
  std::vector<std::string> overrides;
  std::uint64_t seed = 0;
  int jobs = 0;
  po::options_description visible(kUsage);
  visible.add_options()("help,h", "show this help")(
      "out,o", po::value(&out_path)->value_name("FILE"),
      "write the full JSON report (schema likesim.report/1) to FILE; '-' for stdout")(
      "seed", po::value(&seed)->value_name("N"), "override the scenario's seed")(
      "strategies", po::value(&strategies)->value_name("A,B"),
      "run only these strategies (names from the scenario's [strategy.NAME] tables)")(
      "set", po::value(&overrides)->composing()->value_name("KEY=VALUE"),
      "override any scenario value, e.g. --set strategy.sharded_counter.shards=32 "
      "--set duration_s=30 (repeatable)")(
      "jobs,j", po::value(&jobs)->value_name("N"),
      "simulate N strategies at once (default: one per core); the report does not change")(
      "quiet,q", "no progress line and no table (errors and --out only)")(
      "fail-on-slo", "exit with status 3 when any strategy misses an SLO")(
      "backend", po::value(&backend)->value_name("sim|real"),
      "sim (default): simulated servers; real: the servers of the scenario's [real] table")(
      "costs", po::value(&costs_path)->value_name("FILE"),
      "a cost file from 'likesim calibrate': measured service times replace the scenario's")(
      "redis", po::value(&redis)->value_name("HOST:PORT"),
      "real: the Redis node (default 127.0.0.1:7001, as scripts/backends starts it)")(
      "redis-cluster", po::value(&redis_cluster)->value_name("HOST:PORT,..."),
      "real: run the Kv and the log on this Redis Cluster instead of --redis")(
      "pg", po::value(&pg)->value_name("CONNINFO"),
      "real: PostgreSQL (default \"host=127.0.0.1 port=5433 dbname=likesim user=likesim\")");
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
  if (vm.count("seed")) overrides.push_back("seed=" + std::to_string(seed));
  if (!out_path.empty() && out_path != "-") {
    // Refuse a report nobody could write before a long run, not after it.
    const std::filesystem::path parent = std::filesystem::path(out_path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      std::cerr << "likesim run: --out " << out_path << ": directory '" << parent.string()
                << "' does not exist\n";
      return 2;
    }
  }
  if (jobs < 0) {
    std::cerr << "likesim run: --jobs must be >= 0\n";
    return 2;
  }
  if (backend != "sim" && backend != "real") {
    std::cerr << "likesim run: --backend must be sim or real, not '" << backend << "'\n";
    return 2;
  }
  const bool real = backend == "real";
  if (!real && (!redis.empty() || !redis_cluster.empty() || !pg.empty())) {
    std::cerr << "likesim run: --redis, --redis-cluster and --pg need --backend real\n";
    return 2;
  }
  // The addresses are scenario values, so they are checked (and named in errors) as such.
  if (!redis.empty()) overrides.push_back("real.redis=\"" + redis + "\"");
  if (!redis_cluster.empty()) overrides.push_back("real.redis_cluster=\"" + redis_cluster + "\"");
  if (!pg.empty()) overrides.push_back("real.pg='" + pg + "'");

  absl::StatusOr<Scenario> loaded = load_scenario(scenario_path, overrides, costs_path);
  if (!loaded.ok()) {
    std::cerr << "likesim: " << loaded.status().message() << "\n";
    return 2;
  }
  Scenario scenario = *std::move(loaded);
  if (!strategies.empty()) {
    std::string error;
    if (!select_strategies(scenario, strategies, error)) {
      std::cerr << "likesim: " << error << "\n";
      return 2;
    }
  }
  if (scenario.strategies.empty()) {
    std::cerr << "likesim: " << scenario.file << ": no strategy to run\n";
    return 2;
  }

  const bool quiet = vm.count("quiet") > 0;
  RunProgress progress = make_progress(scenario);
  RunReport report;
  try {
    ProgressPrinter printer(scenario.name, progress, !quiet);
    if (real) {
      report = run_real(scenario, &progress, [&](const std::string& line) {
        if (!quiet) printer.say(line);
      });
    } else {
      report = run_simulated(scenario, RunOptions{jobs}, &progress);
    }
    printer.finish();
  } catch (const NoProgressError& e) {  // the scheduler's watchdog: a clock that stopped
    std::cerr << "likesim: run stopped: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "likesim: run failed: " << e.what() << "\n";
    return 1;
  }

  if (!out_path.empty() && !write_output(out_path, report_json_text(report))) {
    std::cerr << "likesim: cannot write report '" << out_path << "'\n";
    return 1;
  }
  if (!quiet && out_path != "-") {
    std::cout << report_table(report);
    if (!out_path.empty()) std::cout << "report: " << out_path << "\n";
  }
  if (quiet || out_path == "-") {  // no table, so the warnings under it go to stderr
    for (const StrategyReport& s : report.strategies) {
      for (const std::string& w : s.warnings) {
        std::cerr << "likesim: " << s.name << ": " << w << "\n";
      }
    }
  }
  if (!report.failure.empty()) {
    std::cerr << "likesim: run stopped: " << report.failure << "\n";
    return 1;
  }
  if (vm.count("fail-on-slo")) {
    for (const StrategyReport& s : report.strategies) {
      for (const SloVerdict& v : s.slo) {
        if (!v.pass) return 3;
      }
    }
  }
  return 0;
}

}  // namespace likesim
