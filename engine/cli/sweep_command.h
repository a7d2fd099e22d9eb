// `likesim sweep`: a scenario over a grid of knob values, one row per run and strategy, the
// runs in parallel; `likesim sweep merge`: the slices of a sweep run elsewhere, joined.
#pragma once

namespace likesim {

// argv[0] is "sweep". Exit status: 0 every run done, 1 a run or a write failed, 2 bad input.
int sweep_command(int argc, char** argv);

}  // namespace likesim
