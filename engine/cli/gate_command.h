// `likesim gate`: a report against a baseline; exit 0 pass, 1 regression, 2 bad input
// (engine/plan/gate.h).
#pragma once

namespace likesim {

int gate_command(int argc, char** argv);

}  // namespace likesim
