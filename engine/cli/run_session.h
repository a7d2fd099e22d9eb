// RunSession: what `likesim run` and `likesim replay` share — the options of a run (--out,
// --set, --strategies, -j, --backend real, --costs, --final-counts, --hdr-log, ...), their checks,
// the run itself and what it prints and writes. Exit codes: 0 done (and every SLO met, with
// --fail-on-slo), 1 the run failed, 2 bad flags, scenario or trace, 3 an SLO failed.
//
//   RunSession session("replay");
//   session.add_options(visible);                     // before parsing
//   if (int rc = session.check(vm)) return rc;        // after parsing
//   session.add_override("workload.kind=\"replay\"");  // before the --set ones
//   return session.run(scenario_path);
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/metrics/run_report.h"
#include "engine/scenario/scenario.h"

namespace likesim {

class HdrIntervalLog;

class RunSession {
 public:
  // `command` ("run", "replay") names the command in messages.
  explicit RunSession(std::string command) : command_(std::move(command)) {}

  void add_options(boost::program_options::options_description& options);
  // Checks the parsed options; 0, or 2 after printing why.
  int check(const boost::program_options::variables_map& vm);
  // A scenario value the command itself sets; applied before the user's --set.
  void add_override(std::string set) { own_overrides_.push_back(std::move(set)); }
  bool quiet() const { return quiet_; }

  // Loads the scenario, runs its strategies and writes what was asked; the exit code.
  int run(const std::string& scenario_path);

  // A replay scenario's trace read once, whole, before anything runs, so a bad line exits 2
  // at once (one line naming file and line); notes requests past the duration unless quiet.
  // 0 or 2. Other scenarios: 0.
  static int check_trace(const Scenario& scenario, bool quiet);

 private:
  bool write_final_counts(const RunReport& report) const;
  // Writes --hdr-log's file; false when it cannot be written.
  bool write_hdr_log(HdrIntervalLog& log, const Scenario& scenario, std::int64_t start_ms) const;

  std::string command_;
  std::string out_path_, strategies_, backend_ = "sim", costs_path_, final_counts_path_;
  std::string hdr_log_path_;
  std::string redis_, redis_cluster_, pg_;
  std::vector<std::string> own_overrides_, overrides_;
  std::uint64_t seed_ = 0;
  int jobs_ = 0;
  bool quiet_ = false, fail_on_slo_ = false;
};

}  // namespace likesim
