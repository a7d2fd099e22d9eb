// `likesim run SCENARIO`: loads a scenario, runs its strategies (simulated, or against real
// servers with --backend real), prints the
// comparison table and writes the JSON report (and --final-counts). Its options and exit codes
// are RunSession's, shared with `likesim replay`: 0 done (and every SLO met, with
// --fail-on-slo), 1 the run failed, 2 bad flags or scenario, 3 an SLO failed (--fail-on-slo).
#pragma once

namespace likesim {

int run_command(int argc, char** argv);

}  // namespace likesim
