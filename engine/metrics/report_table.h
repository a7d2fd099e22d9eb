// The terminal form of a RunReport: one aligned row per strategy with the figures a reader
// compares first (like and count latency, throughput, drift, staleness, lost and double
// counted likes, the hottest backend, SLO verdicts). Everything else is in the JSON report.
#pragma once

#include <cstdint>
#include <string>

#include "engine/metrics/run_report.h"

namespace likesim {

std::string report_table(const RunReport& report);

// The busiest backend and how busy, e.g. "redis5 82%", "pg cpu 98%", "pg lock p99 353ms".
std::string hottest_backend(const StrategyReport& s);
// Answers of every operation that contradicted the truth when they were given.
std::uint64_t wrong_answers(const StrategyReport& s);

}  // namespace likesim
