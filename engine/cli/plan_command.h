// `likesim plan`: the smallest configuration of the named knobs that meets every SLO at a
// target load (engine/plan/plan_search.h), its headroom and the analytic knee; exit 0 with an
// answer, 1 when no configuration in range meets the SLOs, 2 bad input.
#pragma once

namespace likesim {

int plan_command(int argc, char** argv);

}  // namespace likesim
