// The Mann-Whitney U test, one-sided: do the values of `worse` tend to be larger than those of
// `better`? What `likesim gate` asks of real-mode figures, several reports a side, since two
// real runs never give the same numbers (google/benchmark's compare.py uses the same test,
// two-sided; a gate only cares about one direction).
//
//   const double p = mann_whitney_greater(now_p99s, baseline_p99s);
//   if (p < 0.05 && change > tolerance) regression();
#pragma once

#include <vector>

namespace likesim {

// P(U >= observed) under "both samples come from one distribution", U counting the pairs in
// which the first sample's value is the larger (a tie counts half). Exact when no value is
// tied (the distribution of U by counting arrangements), the normal approximation with the tie
// correction and a continuity correction otherwise. 1 when either sample is empty.
double mann_whitney_greater(const std::vector<double>& first, const std::vector<double>& second);

}  // namespace likesim
