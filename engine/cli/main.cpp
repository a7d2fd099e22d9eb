// likesim: compare ways of counting likes, with numbers (DESIGN.md §7).
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>

#include "engine/cli/calibrate_command.h"
#include "engine/cli/gate_command.h"
#include "engine/cli/plan_command.h"
#include "engine/cli/record_command.h"
#include "engine/cli/replay_command.h"
#include "engine/cli/run_command.h"
#include "engine/cli/sweep_command.h"
#include "engine/cli/validate_command.h"
#include "engine/core/huge_pages.h"

namespace {

constexpr const char* kHelp =
    "likesim: how should a social network count likes? Runs the classic strategies\n"
    "(COUNT query, single counter, sharded counters, write buffering, async event log)\n"
    "side by side under viral workloads and reports latency, throughput, backend load,\n"
    "staleness and exact count drift.\n"
    "\n"
    "Usage: likesim COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO   run a scenario's strategies side by side (simulated, or against\n"
    "                 real servers with --backend real) and compare them\n"
    "  record SCENARIO --trace FILE\n"
    "                 write a scenario's request stream as a trace (.csv or .bin)\n"
    "  replay TRACE --scenario SCENARIO\n"
    "                 run a trace (or a real cascade, --format cascade) through a\n"
    "                 scenario's strategies, with every option of run\n"
    "  calibrate      measure the real Redis and PostgreSQL and write a cost file for\n"
    "                 run --costs\n"
    "  validate       run the same shapes simulated and on the real servers, at points\n"
    "                 the calibration did not fit, and print sim vs real with error %\n"
    "  sweep SCENARIO --vary KEY=VALUES\n"
    "                 run a scenario over a grid of knob values, in parallel; one row\n"
    "                 per run (CSV or JSON); slices for other machines, and merge\n"
    "  plan SCENARIO --strategy NAME --target KEY=VALUE --knob NAME=LO..HI\n"
    "                 the smallest configuration of the knobs that meets every SLO at\n"
    "                 the target load, its headroom and the hot key's M/D/1 knee\n"
    "  gate --baseline FILE --report REPORT\n"
    "                 compare reports with a baseline; exit 1 on a regression (CI)\n"
    "\n"
    "  likesim COMMAND --help   explains a command's options\n"
    "\n"
    "Example:\n"
    "  likesim run scenarios/celebrity.toml --out report.json\n";

}  // namespace

int main(int argc, char** argv) {
  likesim::reexec_with_huge_pages(argv);
  if (argc < 2) {
    std::cerr << kHelp;
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kHelp;
    return 0;
  }
  if (command == "--version") {
    std::cout << "likesim 0.1.0 (report schema likesim.report/1; malloc huge pages "
              << (likesim::huge_pages_requested(std::getenv("GLIBC_TUNABLES")) ? "on" : "off")
              << ")\n";
    return 0;
  }
  if (command == "run") return likesim::run_command(argc - 1, argv + 1);
  if (command == "record") return likesim::record_command(argc - 1, argv + 1);
  if (command == "replay") return likesim::replay_command(argc - 1, argv + 1);
  if (command == "calibrate") return likesim::calibrate_command(argc - 1, argv + 1);
  if (command == "validate") return likesim::validate_command(argc - 1, argv + 1);
  if (command == "sweep") return likesim::sweep_command(argc - 1, argv + 1);
  if (command == "plan") return likesim::plan_command(argc - 1, argv + 1);
  if (command == "gate") return likesim::gate_command(argc - 1, argv + 1);
  std::cerr << "likesim: unknown command '" << command << "' (try: likesim --help)\n";
  return 2;
}
