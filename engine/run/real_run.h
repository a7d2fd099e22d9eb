// run_real: runs every strategy of a scenario against the real servers, one after another
// (they would share the servers' load otherwise), each on freshly emptied data.
//
// A server that cannot be used (unreachable, a refused login, gone mid-setup) ends the run
// with one line naming it; the report then holds the strategies that finished before, and
// `failure` says what stopped the rest.
//
//   RunReport report = run_real(scenario, &progress, [](const std::string& s) { std::cerr << s; });
//   if (!report.failure.empty()) ...
#pragma once

#include <functional>
#include <string>

#include "engine/metrics/run_report.h"
#include "engine/run/run_progress.h"
#include "engine/scenario/scenario.h"

namespace likesim {

class HdrIntervalLog;

// `keep_answers`: every request's answer in StrategyReport::answers (tests);
// `keep_final_counts`: every post's count and truth in StrategyReport::final_counts;
// `hdr_log`: each strategy's latencies per interval, into hdr_log->recorder(its index).
RunReport run_real(const Scenario& scenario, RunProgress* progress,
                   const std::function<void(const std::string&)>& say, bool keep_answers = false,
                   bool keep_final_counts = false, HdrIntervalLog* hdr_log = nullptr);

}  // namespace likesim
