// The terminal form of a RunReport: one aligned row per strategy with the figures a reader
// compares first (like and count latency, throughput, drift, staleness, lost and double
// counted likes, the hottest backend, SLO verdicts). Everything else is in the JSON report.
#pragma once

#include <string>

#include "engine/metrics/run_report.h"

namespace likesim {

std::string report_table(const RunReport& report);

}  // namespace likesim
