// `likesim record SCENARIO --trace FILE`: writes the request stream of the scenario's workload
// (whatever its kind: the open-loop stream the runner would issue, before any client
// timeouts) as a trace, CSV (.csv) or binary (.bin), for `likesim replay` and other tools.
// Exit codes: 0 written, 1 the file could not be written, 2 bad flags, scenario or trace.
//
//   likesim record scenarios/celebrity.toml --trace burst.bin
//   likesim record scenarios/smoke.toml --trace smoke.csv --set duration_s=2
#pragma once

namespace likesim {

int record_command(int argc, char** argv);

}  // namespace likesim
