#include "engine/cli/record_command.h"

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "engine/cli/command_line.h"
#include "engine/cli/run_session.h"
#include "engine/scenario/scenario_loader.h"
#include "workloads/trace_writer.h"
#include "workloads/workload.h"

namespace po = boost::program_options;

namespace likesim {
namespace {

constexpr const char* kUsage =
    "Usage: likesim record SCENARIO.toml --trace FILE [options]\n"
    "\n"
    "Writes the request stream of the scenario's workload (any kind: steady, celebrity,\n"
    "hawkes, or a replay, which converts between formats) as a trace: every request with its\n"
    "intended send time, op, post, user and request id, in time order. 'likesim replay' runs\n"
    "it through a scenario's strategies and gives the same report as the scenario itself.\n"
    "\n"
    "Options";

}  // namespace

int record_command(int argc, char** argv) {
  std::string scenario_path, trace_path, format;
  std::vector<std::string> overrides;
  std::uint64_t seed = 0;
  po::options_description visible(kUsage);
  visible.add_options()("help,h", "show this help")(
      "trace", po::value(&trace_path)->value_name("FILE"),
      "the trace to write (required); .csv is CSV, .bin binary")(
      "format", po::value(&format)->value_name("csv|binary"),
      "the format, when the extension does not say")("seed", po::value(&seed)->value_name("N"),
                                                     "override the scenario's seed")(
      "set", po::value(&overrides)->composing()->value_name("KEY=VALUE"),
      "override any scenario value, e.g. --set duration_s=30 (repeatable)")(
      "quiet,q", "print nothing but errors");
  po::variables_map vm;
  if (!parse_command_line(argc, argv, visible, "scenario", scenario_path, "record", vm)) return 2;
  if (vm.count("help")) {
    std::cout << visible << "\nExample:\n"
              << "  likesim record scenarios/celebrity.toml --trace burst.bin\n"
              << "  likesim replay burst.bin --scenario scenarios/celebrity.toml\n";
    return 0;
  }
  if (scenario_path.empty()) {
    std::cerr << "likesim record: missing SCENARIO (a .toml file, e.g. scenarios/smoke.toml)\n";
    return 2;
  }
  if (trace_path.empty()) {
    std::cerr << "likesim record: missing --trace FILE (.csv or .bin)\n";
    return 2;
  }
  const std::string ext = std::filesystem::path(trace_path).extension().string();
  if (format.empty()) format = ext == ".bin" ? "binary" : ext == ".csv" ? "csv" : "";
  if (format != "csv" && format != "binary") {
    std::cerr << "likesim record: --format must be csv or binary"
              << (format.empty() ? " (the extension of '" + trace_path + "' does not say)" : "")
              << "\n";
    return 2;
  }
  const bool quiet = vm.count("quiet") > 0;
  if (vm.count("seed")) overrides.push_back("seed=" + std::to_string(seed));
  absl::StatusOr<Scenario> loaded = load_scenario(scenario_path, overrides, "");
  if (!loaded.ok()) {
    std::cerr << "likesim: " << loaded.status().message() << "\n";
    return 2;
  }
  const Scenario& scenario = *loaded;
  if (const int rc = RunSession::check_trace(scenario, quiet)) return rc;

  std::ofstream out(trace_path, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "likesim record: cannot write '" << trace_path << "'\n";
    return 1;
  }
  const Duration duration = from_seconds(scenario.duration_s);
  std::uint64_t written = 0;
  Time last{0};
  try {
    auto workload = make_workload(scenario.workload, scenario.seed, duration);
    auto writer =
        make_trace_writer(out, format == "binary" ? TraceFormat::binary : TraceFormat::csv);
    Request r;
    while (workload->next(r)) {
      writer->write(r);
      last = r.intended;
    }
    writer->finish();
    written = writer->written();
  } catch (const std::exception& e) {  // a trace read for a replay scenario, or a bug
    std::cerr << "likesim record: " << e.what() << "\n";
    return 1;
  }
  out.close();
  if (!out) {
    std::cerr << "likesim record: cannot write '" << trace_path << "'\n";
    return 1;
  }
  if (!quiet) {
    std::cout << "recorded " << written << " requests (0 to " << to_seconds(last) << " s of "
              << scenario.name << ", seed " << scenario.seed << ") to " << trace_path << " ("
              << format << ", " << std::filesystem::file_size(trace_path) << " bytes)\n";
  }
  return 0;
}

}  // namespace likesim
