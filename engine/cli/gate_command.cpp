#include "engine/cli/gate_command.h"

#include <boost/program_options.hpp>
#include <charconv>
#include <iostream>
#include <string>
#include <vector>

#include "engine/cli/command_line.h"
#include "engine/cli/output_file.h"
#include "engine/plan/gate.h"

namespace po = boost::program_options;

namespace likesim {
namespace {

constexpr int kPass = 0, kRegression = 1, kBadInput = 2;

constexpr const char* kUsage =
    "Usage: likesim gate --baseline FILE --report REPORT.json [--report ...] [options]\n"
    "       likesim gate --baseline FILE --report REPORT.json [--report ...] --update\n"
    "\n"
    "Compares reports of 'likesim run' with a baseline and fails on a regression: a latency\n"
    "percentile (p50..p99.9 of each operation) above the baseline, or throughput below it,\n"
    "by more than the tolerance; lost likes or unlikes, double counts, dedup violations,\n"
    "wrong answers above the baseline; an SLO that passed and now fails. Simulated figures\n"
    "are exact for a seed, so the default tolerance there is 0. Real runs are noisy: give\n"
    "several reports per side (a baseline written from several, several --report), and a\n"
    "figure regresses only when it is beyond the tolerance (default 10 %) and a one-sided\n"
    "Mann-Whitney U test finds it significant. Reports of another configuration (scenario\n"
    "hash, seed, backend, build type) are refused. The baseline may be a report itself.\n"
    "Exit status: 0 pass, 1 regression, 2 bad input.\n"
    "\n"
    "Options";

// "10%" or a fraction ("0.1"); a bare number above 1 is refused as ambiguous.
bool parse_tolerance(const std::string& text, double& out, std::string& error) {
  std::string digits = text;
  const bool percent = !digits.empty() && digits.back() == '%';
  if (percent) digits.pop_back();
  double v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || v < 0) {
    error = "--tolerance '" + text + "': expected a percentage (10%) or a fraction (0.1)";
    return false;
  }
  if (!percent && v > 1) {
    error = "--tolerance '" + text + "': a fraction is at most 1; for percent write " + text + "%";
    return false;
  }
  out = percent ? v / 100 : v;
  return true;
}

}  // namespace

int gate_command(int argc, char** argv) {
  std::string baseline_path, tolerance_text, json_path, unused;
  std::vector<std::string> reports;
  double alpha = 0.05;
  po::options_description visible(kUsage);
  visible.add_options()("help,h", "show this help")(
      "baseline,b", po::value(&baseline_path)->value_name("FILE"),
      "the baseline: a file written by --update (bench/baselines/*.json) or a report")(
      "report,r", po::value(&reports)->composing()->value_name("FILE"),
      "a report of 'likesim run --out' (repeatable: several runs of one configuration)")(
      "tolerance,t", po::value(&tolerance_text)->value_name("PCT"),
      "how far latency may grow and throughput fall: 10% or 0.1 (default 0 for simulated "
      "reports, 10% for real ones)")(
      "alpha", po::value(&alpha)->value_name("P"),
      "significance of the test on real reports, two or more a side (default 0.05)")(
      "update",
      "write the baseline from the reports instead of comparing (on purpose: say why "
      "in the commit)")("all", "list every figure, not only those that moved")(
      "json", po::value(&json_path)->value_name("FILE"),
      "also write the verdict as JSON ('-' for stdout), with a block in Bencher's metric "
      "format (value, lower_value, upper_value)");
  po::variables_map vm;
  if (!parse_command_line(argc, argv, visible, "unused", unused, "gate", vm)) return kBadInput;
  if (vm.count("help")) {
    std::cout << visible << "\nExamples:\n"
              << "  likesim run scenarios/smoke.toml --out report.json\n"
              << "  likesim gate --baseline bench/baselines/smoke.json --report report.json\n"
              << "  likesim gate --baseline bench/baselines/smoke.json --report report.json "
                 "--update\n";
    return kPass;
  }
  auto fail = [](const std::string& what) {
    std::cerr << "likesim gate: " << what << "\n";
    return kBadInput;
  };
  if (!unused.empty())
    return fail("unexpected argument '" + unused + "' (reports go after --report)");
  if (baseline_path.empty()) return fail("missing --baseline FILE");
  if (reports.empty()) return fail("missing --report FILE (a report of 'likesim run --out')");
  GateOptions options;
  if (!tolerance_text.empty()) {
    double t = 0;
    std::string error;
    if (!parse_tolerance(tolerance_text, t, error)) return fail(error);
    options.tolerance = t;
  }
  if (!(alpha > 0 && alpha < 1)) return fail("--alpha must be between 0 and 1");
  options.alpha = alpha;

  const absl::StatusOr<GateFigures> now = figures_from_files(reports);
  if (!now.ok()) return fail(std::string(now.status().message()));
  if (vm.count("update")) {
    std::size_t figures = 0;
    for (const auto& [name, f] : now->strategies) figures += f.size();
    if (!write_output(baseline_path, baseline_json_text(*now))) {
      return fail(baseline_path + ": cannot write it");
    }
    std::cout << "gate: wrote " << baseline_path << " from " << now->reports << " report(s) of "
              << now->identity.scenario << " (config " << now->identity.config_hash << ", seed "
              << now->identity.seed << ", " << now->identity.backend << ", "
              << now->identity.build_type << "): " << now->strategies.size() << " strategies, "
              << figures << " figures\n";
    return kPass;
  }
  const absl::StatusOr<GateFigures> baseline = figures_from_files({baseline_path});
  if (!baseline.ok()) return fail(std::string(baseline.status().message()));
  const absl::StatusOr<GateResult> result = compare_figures(*baseline, *now, options);
  if (!result.ok())
    return fail(reports.front() + " against " + baseline_path + ": " +
                std::string(result.status().message()));
  std::cout << gate_table(*result, vm.count("all") > 0);
  if (!json_path.empty() && !write_output(json_path, gate_json(*result, *now).dump(2) + "\n")) {
    return fail(json_path + ": cannot write it");
  }
  return result->regressions > 0 ? kRegression : kPass;
}

}  // namespace likesim
