// `likesim replay TRACE --scenario SCENARIO`: runs a recorded trace (CSV or binary, from
// `likesim record`) or a real cascade (--format cascade, with --compress and --replicate)
// through the scenario's strategies and backends, as `kind = "replay"` in the scenario would.
// Every option of `likesim run` applies (RunSession), and so do its exit codes; a bad trace
// line exits 2 with one line naming file and line.
//
//   likesim replay burst.bin --scenario scenarios/celebrity.toml --out report.json
//   likesim replay seismic.csv --format cascade --compress 1000 --replicate 50
//       --scenario scenarios/steady.toml
#pragma once

namespace likesim {

int replay_command(int argc, char** argv);

}  // namespace likesim
