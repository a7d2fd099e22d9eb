#include "engine/cli/replay_command.h"

#include <boost/program_options.hpp>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <string>

#include "engine/cli/command_line.h"
#include "engine/cli/run_session.h"
#include "workloads/trace_reader.h"

namespace po = boost::program_options;

namespace likesim {
namespace {

constexpr const char* kUsage =
    "Usage: likesim replay TRACE --scenario SCENARIO.toml [options]\n"
    "\n"
    "Runs a request stream through the scenario's strategies and backends in place of the\n"
    "scenario's workload: a trace from 'likesim record' (CSV or binary) request for request,\n"
    "or a real cascade file (--format cascade: one like per row after the root, over the\n"
    "scenario's steady background). The scenario gives everything else (duration, backends,\n"
    "strategies, faults, SLOs); requests at or after its duration are not replayed.\n"
    "\n"
    "Options";

// A TOML string holding `text` (a literal string unless it holds a quote).
std::string toml_string(const std::string& text) {
  if (text.find('\'') == std::string::npos && text.find('\n') == std::string::npos) {
    return "'" + text + "'";
  }
  std::string s = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') s += '\\';
    s += c;
  }
  return s + "\"";
}

// `v` as a TOML number, exactly (shortest round-trip form).
std::string toml_number(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

int replay_command(int argc, char** argv) {
  std::string trace, scenario_path, format = "auto";
  double compress = 1, jitter_s = 0, reads_per_like = 1;
  std::uint32_t replicate = 1;
  RunSession session("replay");
  po::options_description visible(kUsage);
  visible.add_options()("scenario", po::value(&scenario_path)->value_name("FILE"),
                        "the scenario whose strategies, backends and duration the trace runs "
                        "through (required)")(
      "format", po::value(&format)->value_name("auto|csv|binary|cascade"),
      "the trace's format; auto (default): .bin binary, .csv a trace or, by its header, a "
      "cascade")("compress", po::value(&compress)->value_name("X"),
                 "cascade: divide its times by X (1000: a day in 86 s)")(
      "replicate", po::value(&replicate)->value_name("N"),
      "cascade: N copies on distinct posts and users")(
      "jitter-s", po::value(&jitter_s)->value_name("S"),
      "cascade: shift each copy by a uniform [0, S) seconds of run time")(
      "reads-per-like", po::value(&reads_per_like)->value_name("R"),
      "cascade: count reads of the post per like (default 1)")(
      "no-background", "cascade: without the scenario's steady background");
  session.add_options(visible);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, visible, "trace", trace, "replay", vm)) return 2;
  if (vm.count("help")) {
    std::cout << visible << "\nExamples:\n"
              << "  likesim record scenarios/celebrity.toml --trace burst.bin\n"
              << "  likesim replay burst.bin --scenario scenarios/celebrity.toml --out r.json\n"
              << "  likesim replay ../shared/data/seismic_tweet_127001313513967616.csv \\\n"
              << "      --format cascade --compress 1000 --replicate 50 \\\n"
              << "      --scenario scenarios/steady.toml\n";
    return 0;
  }
  if (trace.empty()) {
    std::cerr << "likesim replay: missing TRACE (a .csv or .bin file from likesim record, or a "
                 "cascade file with --format cascade)\n";
    return 2;
  }
  if (scenario_path.empty()) {
    std::cerr << "likesim replay: missing --scenario (e.g. --scenario scenarios/steady.toml)\n";
    return 2;
  }
  if (const int rc = session.check(vm)) return rc;

  TraceFormat detected;
  try {
    detected = detect_trace_format(trace, format);
  } catch (const TraceError& e) {
    std::cerr << "likesim replay: " << e.what() << "\n";
    return 2;
  }
  const bool cascade_flags = vm.count("compress") || vm.count("replicate") ||
                             vm.count("jitter-s") || vm.count("reads-per-like") ||
                             vm.count("no-background");
  if (cascade_flags && detected != TraceFormat::cascade) {
    std::cerr << "likesim replay: --compress, --replicate, --jitter-s, --reads-per-like and "
                 "--no-background apply to cascades only, and "
              << trace << " reads as " << trace_format_name(detected) << " (--format cascade?)\n";
    return 2;
  }
  // Scenario values, so they are range-checked and named in errors as such.
  const std::string absolute = std::filesystem::absolute(trace).lexically_normal().string();
  session.add_override("workload.kind=\"replay\"");
  session.add_override("workload.replay.trace=" + toml_string(absolute));
  session.add_override("workload.replay.format=\"" + format + "\"");
  if (vm.count("compress"))
    session.add_override("workload.replay.compress=" + toml_number(compress));
  if (vm.count("replicate")) {
    session.add_override("workload.replay.replicate=" + std::to_string(replicate));
  }
  if (vm.count("jitter-s"))
    session.add_override("workload.replay.jitter_s=" + toml_number(jitter_s));
  if (vm.count("reads-per-like")) {
    session.add_override("workload.replay.reads_per_like=" + toml_number(reads_per_like));
  }
  if (vm.count("no-background")) session.add_override("workload.replay.background=false");
  return session.run(scenario_path);
}

}  // namespace likesim
