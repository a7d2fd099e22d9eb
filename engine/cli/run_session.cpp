#include "engine/cli/run_session.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/str_split.h"
#include "engine/cli/output_file.h"
#include "engine/cli/progress_printer.h"
#include "engine/core/scheduler.h"
#include "engine/metrics/hdr_interval_log.h"
#include "engine/metrics/report_json.h"
#include "engine/metrics/report_table.h"
#include "engine/run/real_run.h"
#include "engine/run/simulated_run.h"
#include "engine/scenario/scenario_loader.h"
#include "workloads/replay_workload.h"

namespace po = boost::program_options;

namespace likesim {
namespace {

// Keeps only the strategies named in `list` (comma-separated), in scenario order.
bool select_strategies(Scenario& scenario, const std::string& list, std::string& error) {
  std::set<std::string> wanted;
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    wanted.insert(std::string(absl::StripAsciiWhitespace(name)));
  }
  std::string known;  // before the loop below moves the kept ones out
  for (const StrategyConfig& c : scenario.strategies) known += (known.empty() ? "" : ", ") + c.name;
  std::vector<StrategyConfig> kept;
  for (StrategyConfig& c : scenario.strategies) {
    if (wanted.erase(c.name)) kept.push_back(std::move(c));
  }
  if (!wanted.empty()) {
    error = "--strategies: no strategy named '" + *wanted.begin() + "' in " + scenario.file +
            " (it has: " + known + ")";
    return false;
  }
  scenario.strategies = std::move(kept);
  return true;
}

// Refuses a file nobody could write before a long run, not after it.
bool parent_exists(const std::string& path) {
  if (path.empty() || path == "-") return true;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  return parent.empty() || std::filesystem::is_directory(parent, ec);
}

}  // namespace

void RunSession::add_options(po::options_description& options) {
  options.add_options()("help,h", "show this help")(
      "out,o", po::value(&out_path_)->value_name("FILE"),
      "write the full JSON report (schema likesim.report/1) to FILE; '-' for stdout")(
      "seed", po::value(&seed_)->value_name("N"), "override the scenario's seed")(
      "strategies", po::value(&strategies_)->value_name("A,B"),
      "run only these strategies (names from the scenario's [strategy.NAME] tables)")(
      "set", po::value(&overrides_)->composing()->value_name("KEY=VALUE"),
      "override any scenario value, e.g. --set strategy.sharded_counter.shards=32 "
      "--set duration_s=30 (repeatable)")(
      "jobs,j", po::value(&jobs_)->value_name("N"),
      "simulate N strategies at once (default: one per core); the report does not change")(
      "quiet,q", "no progress line and no table (errors and --out only)")(
      "fail-on-slo", "exit with status 3 when any strategy misses an SLO")(
      "final-counts", po::value(&final_counts_path_)->value_name("FILE.csv"),
      "write every strategy's final stored count and the oracle's truth per post "
      "(strategy,post,stored,truth), to check the report's lost/double figures")(
      "hdr-log", po::value(&hdr_log_path_)->value_name("FILE.hlog"),
      "write every operation's latency histogram per time-series interval as an HdrHistogram "
      "interval log (tags STRATEGY.OP, values in us), for HdrHistogram's tools, e.g. "
      "java -cp /usr/share/java/hdrhistogram.jar org.HdrHistogram.HistogramLogProcessor "
      "-i FILE.hlog -tag sharded_counter.like -outputValueUnitRatio 1000")(
      "backend", po::value(&backend_)->value_name("sim|real"),
      "sim (default): simulated servers; real: the servers of the scenario's [real] table")(
      "costs", po::value(&costs_path_)->value_name("FILE"),
      "a cost file from 'likesim calibrate': measured service times replace the scenario's")(
      "redis", po::value(&redis_)->value_name("HOST:PORT"),
      "real: the Redis node (default 127.0.0.1:7001, as scripts/backends starts it)")(
      "redis-cluster", po::value(&redis_cluster_)->value_name("HOST:PORT,..."),
      "real: run the Kv and the log on this Redis Cluster instead of --redis")(
      "pg", po::value(&pg_)->value_name("CONNINFO"),
      "real: PostgreSQL (default \"host=127.0.0.1 port=5433 dbname=likesim user=likesim\")");
}

int RunSession::check(const po::variables_map& vm) {
  const std::string me = "likesim " + command_ + ": ";
  quiet_ = vm.count("quiet") > 0;
  fail_on_slo_ = vm.count("fail-on-slo") > 0;
  if (vm.count("seed")) overrides_.push_back("seed=" + std::to_string(seed_));
  if (!parent_exists(out_path_)) {
    std::cerr << me << "--out " << out_path_ << ": directory '"
              << std::filesystem::path(out_path_).parent_path().string() << "' does not exist\n";
    return 2;
  }
  // Files written beside the report: a name is needed ("-" is not one) in a folder that exists.
  for (const auto& [flag, path] :
       {std::pair<const char*, const std::string&>{"--final-counts", final_counts_path_},
        {"--hdr-log", hdr_log_path_}}) {
    if (path == "-" || !parent_exists(path)) {
      std::cerr << me << flag << " " << path << ": "
                << (path == "-"
                        ? "needs a file name"
                        : "directory '" + std::filesystem::path(path).parent_path().string() +
                              "' does not exist")
                << "\n";
      return 2;
    }
  }
  if (jobs_ < 0) {
    std::cerr << me << "--jobs must be >= 0\n";
    return 2;
  }
  if (backend_ != "sim" && backend_ != "real") {
    std::cerr << me << "--backend must be sim or real, not '" << backend_ << "'\n";
    return 2;
  }
  if (backend_ != "real" && (!redis_.empty() || !redis_cluster_.empty() || !pg_.empty())) {
    std::cerr << me << "--redis, --redis-cluster and --pg need --backend real\n";
    return 2;
  }
  // The addresses are scenario values, so they are checked (and named in errors) as such.
  if (!redis_.empty()) overrides_.push_back("real.redis=\"" + redis_ + "\"");
  if (!redis_cluster_.empty())
    overrides_.push_back("real.redis_cluster=\"" + redis_cluster_ + "\"");
  if (!pg_.empty()) overrides_.push_back("real.pg='" + pg_ + "'");
  return 0;
}

int RunSession::check_trace(const Scenario& scenario, bool quiet) {
  if (scenario.workload.kind != "replay") return 0;
  try {
    const Duration duration = from_seconds(scenario.duration_s);
    const ReplayWorkload::Scan s = ReplayWorkload::scan(scenario.workload, scenario.seed, duration);
    if (s.past_end > 0 && !quiet) {
      std::cerr << "likesim: note: " << scenario.workload.replay.trace << ": " << s.past_end
                << " of " << s.requests + s.past_end
                << " requests are at or after duration_s = " << scenario.duration_s
                << " s and are not replayed (--set duration_s=...)\n";
    }
  } catch (const TraceError& e) {
    std::cerr << "likesim: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

bool RunSession::write_final_counts(const RunReport& report) const {
  std::ofstream out(final_counts_path_, std::ios::binary);
  out << "strategy,post,stored,truth\n";
  std::string line;
  for (const StrategyReport& s : report.strategies) {
    for (const FinalCount& c : s.final_counts) {
      line.clear();
      line.append(s.name).append(",").append(std::to_string(c.post)).append(",");
      line.append(std::to_string(c.stored)).append(",").append(std::to_string(c.truth));
      line.push_back('\n');
      out << line;
    }
  }
  out.close();
  return static_cast<bool>(out);
}

bool RunSession::write_hdr_log(HdrIntervalLog& log, const Scenario& scenario,
                               std::int64_t start_ms) const {
  std::ostringstream text;
  log.write(text,
            {"likesim scenario=" + scenario.name + " seed=" + std::to_string(scenario.seed) +
                 " backend=" + backend_ + ": latency in microseconds from the intended send time",
             start_ms});
  return write_output(hdr_log_path_, text.str());
}

int RunSession::run(const std::string& scenario_path) {
  std::vector<std::string> overrides = own_overrides_;
  overrides.insert(overrides.end(), overrides_.begin(), overrides_.end());
  absl::StatusOr<Scenario> loaded = load_scenario(scenario_path, overrides, costs_path_);
  if (!loaded.ok()) {
    std::cerr << "likesim: " << loaded.status().message() << "\n";
    return 2;
  }
  Scenario scenario = *std::move(loaded);
  if (!strategies_.empty()) {
    std::string error;
    if (!select_strategies(scenario, strategies_, error)) {
      std::cerr << "likesim: " << error << "\n";
      return 2;
    }
  }
  if (scenario.strategies.empty()) {
    std::cerr << "likesim: " << scenario.file << ": no strategy to run\n";
    return 2;
  }
  if (const int rc = check_trace(scenario, quiet_)) return rc;
  std::unique_ptr<HdrIntervalLog> hdr_log;
  if (!hdr_log_path_.empty()) {
    std::vector<std::string> names;
    for (const StrategyConfig& c : scenario.strategies) {
      if (const std::string problem = hdr_tag_problem(c.name); !problem.empty()) {
        std::cerr << "likesim: --hdr-log: " << scenario.file << ": " << problem << "\n";
        return 2;
      }
      names.push_back(c.name);
    }
    hdr_log = std::make_unique<HdrIntervalLog>(std::move(names), from_millis(scenario.interval_ms));
  }
  // A simulated log starts at 0 (the same file for the same scenario and seed); a real one at
  // the wall-clock time the run started.
  const std::int64_t hdr_start_ms = backend_ == "real"
                                        ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count()
                                        : 0;

  const bool keep_final_counts = !final_counts_path_.empty();
  RunProgress progress = make_progress(scenario);
  RunReport report;
  try {
    ProgressPrinter printer(scenario.name, progress, !quiet_);
    if (backend_ == "real") {
      report = run_real(
          scenario, &progress,
          [&](const std::string& line) {
            if (!quiet_) printer.say(line);
          },
          false, keep_final_counts, hdr_log.get());
    } else {
      RunOptions options;
      options.jobs = jobs_;
      options.keep_final_counts = keep_final_counts;
      options.hdr_log = hdr_log.get();
      report = run_simulated(scenario, options, &progress);
    }
    printer.finish();
  } catch (const NoProgressError& e) {  // the scheduler's watchdog: a clock that stopped
    std::cerr << "likesim: run stopped: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "likesim: run failed: " << e.what() << "\n";
    return 1;
  }

  if (!out_path_.empty() && !write_output(out_path_, report_json_text(report))) {
    std::cerr << "likesim: cannot write report '" << out_path_ << "'\n";
    return 1;
  }
  if (keep_final_counts && !write_final_counts(report)) {
    std::cerr << "likesim: cannot write final counts '" << final_counts_path_ << "'\n";
    return 1;
  }
  if (hdr_log && !write_hdr_log(*hdr_log, scenario, hdr_start_ms)) {
    std::cerr << "likesim: cannot write HdrHistogram log '" << hdr_log_path_ << "'\n";
    return 1;
  }
  if (!quiet_ && out_path_ != "-") {
    std::cout << report_table(report);
    if (!out_path_.empty()) std::cout << "report: " << out_path_ << "\n";
    if (keep_final_counts) std::cout << "final counts: " << final_counts_path_ << "\n";
    if (hdr_log) std::cout << "HdrHistogram log: " << hdr_log_path_ << "\n";
  }
  if (quiet_ || out_path_ == "-") {  // no table, so the warnings under it go to stderr
    for (const StrategyReport& s : report.strategies) {
      for (const std::string& w : s.warnings) {
        std::cerr << "likesim: " << s.name << ": " << w << "\n";
      }
    }
  }
  if (!report.failure.empty()) {
    std::cerr << "likesim: run stopped: " << report.failure << "\n";
    return 1;
  }
  if (fail_on_slo_) {
    for (const StrategyReport& s : report.strategies) {
      for (const SloVerdict& v : s.slo) {
        if (!v.pass) return 3;
      }
    }
  }
  return 0;
}

}  // namespace likesim
