// RunReport: everything a run's report contains, as plain data.
//
// The runner fills it; report_json, report_table and the dashboard only format it (no
// reporter computes a percentile). report_schema.md documents every field and its unit.
//
//   RunReport r = run_simulated(scenario, options, &progress);
//   std::cout << report_table(r);
//   out << report_json_text(r);
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/metrics/latency_histogram.h"
#include "engine/model/request.h"

namespace likesim {

inline constexpr const char* kReportSchema = "likesim.report/1";

// Percentiles of a latency histogram, in µs.
struct LatencySummary {
  std::int64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, p9999 = 0, max = 0;
  double mean = 0;
  // Values above the histogram's top (1 h), counted there: the percentiles they reach and max
  // are then lower bounds.
  std::uint64_t overflows = 0;
};
LatencySummary summarize(const LatencyHistogram& h);

struct OpFigures {
  std::uint64_t count = 0;            // answered in the measured window
  std::uint64_t errors = 0;           // answered `failed`
  std::uint64_t refused = 0;          // already_liked / not_liked
  std::uint64_t wrong_answers = 0;    // contradicted the truth when given (whole run)
  LatencySummary latency_us;          // from the intended send time
  LatencySummary service_latency_us;  // from the actual send time
};

struct ThroughputFigures {
  double offered_per_s = 0;
  double completed_per_s = 0;
};

struct DriftFigures {
  std::uint64_t reads = 0;
  std::int64_t abs_p99 = 0;
  std::int64_t abs_max = 0;
  std::uint64_t never_true_reads = 0;  // reported a value the truth never had
  double staleness_p50_ms = 0, staleness_p99_ms = 0, staleness_max_ms = 0;
};

// The final check, from the backends' own state (report_schema.md says what each means and
// where the state can or cannot tell a lost like from a double count).
struct FinalFigures {
  std::uint64_t posts_checked = 0;
  std::int64_t stored_total = 0;  // Σ of the stored counts read by the final check
  std::uint64_t lost_likes = 0;
  std::uint64_t lost_unlikes = 0;
  std::uint64_t double_counts = 0;
  std::uint64_t posts_wrong = 0;    // posts with any of the three
  std::uint64_t abs_error_sum = 0;  // Σ |stored - truth| beyond the failed writes' bounds
  std::uint64_t dedup_violations = 0;
  bool drain_completed = true;
};

struct SloVerdict {
  std::string name;
  double limit = 0;
  double value = 0;
  bool pass = true;
};

struct RedisNodeFigures {
  int node = 0;
  double utilisation = 0;  // busy time / measured time, 0..1
  std::uint64_t commands = 0;
  std::uint64_t max_queue = 0;
};

struct BackendFigures {
  double redis_busiest_node_utilisation = 0;
  std::vector<RedisNodeFigures> redis_nodes;
  std::int64_t db_row_lock_wait_p99_us = 0;
  double db_cpu_utilisation = 0;
  std::uint64_t db_statements = 0;
  std::uint64_t db_rejected = 0;
  std::int64_t log_lag_max = 0;
};

// Columns over the run's intervals: t_s[i] is the end of interval i.
struct TimeSeriesFigures {
  double interval_ms = 0;
  std::vector<double> t_s;
  std::vector<std::pair<std::string, std::vector<double>>> columns;
};

// Client retries (workload.client.timeout_ms > 0): what the clients sent, over the whole run
// (warm-up included). A request is one original; each timed-out call resent is a retry.
struct ClientRetryFigures {
  bool enabled = false;         // the JSON has `client` only when it is
  std::uint64_t originals = 0;  // requests the workload made (each counted once)
  std::uint64_t sends = 0;      // calls sent: originals + retries (the offered load)
  double amplification = 0;     // sends / originals
  // The largest sends / originals of one time-series interval (by send time).
  double peak_interval_amplification = 0;
  std::uint64_t timeouts = 0;         // calls the client abandoned after timeout_ms
  std::uint64_t retries = 0;          // resends of a timed-out call (same request id)
  std::uint64_t budget_refused = 0;   // retries the token bucket refused (request failed)
  std::uint64_t failed_attempts = 0;  // requests that timed out max_attempts times
  std::uint64_t late_answers = 0;     // answers of abandoned calls (applied, not accepted)
};

// One request's answer, for comparing two runs of one request stream answer by answer (kept
// only when asked: RunOptions::keep_answers, run_real's keep_answers; never in the JSON).
struct RecordedAnswer {
  RequestId id = 0;
  PostId post = 0;
  UserId user = 0;
  Op op = Op::like;
  // like: 0 ok, 1 already_liked, 2 failed; unlike: 0 ok, 1 not_liked, 2 failed;
  // status: 0 not liked, 1 liked, 2 failed; count, batch_count: 0 ok, 2 failed.
  std::uint8_t answer = 0;
  std::int64_t sent_ns = 0, answered_ns = 0;  // world clock
};

// One post's stored count beside the truth after the drain, as the final check read them
// (kept only when asked: RunOptions::keep_final_counts; never in the JSON; --final-counts).
struct FinalCount {
  PostId post = 0;
  std::int64_t stored = 0, truth = 0;
};

struct StrategyReport {
  std::string name;
  std::string kind;
  nlohmann::ordered_json knobs = nlohmann::ordered_json::object();
  std::array<OpFigures, kOpCount> ops;  // indexed by Op
  ThroughputFigures throughput;
  DriftFigures drift;
  FinalFigures final;
  std::vector<SloVerdict> slo;
  BackendFigures backends;
  std::vector<std::pair<std::string, double>> figures;  // strategy-specific counts
  ClientRetryFigures client;
  TimeSeriesFigures timeseries;
  std::uint64_t events = 0;
  double wall_seconds = 0;  // wall clock: differs between identical runs
  // How late the driver started requests behind their intended time (0 in a simulation).
  double driver_lag_p99_ms = 0;
  double driver_lag_max_ms = 0;
  // One line each: what makes these figures less than they seem (a driver behind its
  // schedule, a fault not applied, a server lost mid-run).
  std::vector<std::string> warnings;
  std::vector<RecordedAnswer> answers;   // by request index, when kept
  std::vector<FinalCount> final_counts;  // by post, when kept

  const OpFigures& op(Op o) const { return ops[static_cast<int>(o)]; }
  bool slo_pass() const {
    for (const SloVerdict& v : slo) {
      if (!v.pass) return false;
    }
    return true;
  }
};

struct ScenarioEcho {
  std::string name, description, file;
  std::uint64_t seed = 0;
  double duration_s = 0;
  std::string backend = "sim";  // "sim" or "real"
  std::string config_hash;      // Scenario::config_hash
};

struct EngineFigures {
  std::uint64_t events = 0;
  double simulated_seconds = 0;
  double wall_seconds = 0;       // wall clock
  double events_per_second = 0;  // wall clock
  std::string build_type;        // build_type(): the build that ran (real-mode times depend on it)
};

// A default cost the run used that no measurement on this machine supports
// (engine/backends/sim/cost_sources.cpp): its key, value, and where the number comes from.
struct AssumedCost {
  std::string key;  // "backends.kafka.broker_append_us"
  double value = 0;
  std::string source;
};

struct RunReport {
  ScenarioEcho scenario;
  EngineFigures engine;
  std::vector<StrategyReport> strategies;
  std::vector<AssumedCost> assumptions;  // simulated runs only; empty when every cost is measured
  // Why the run stopped early (a real server could not be used); empty when it completed.
  std::string failure;
};

}  // namespace likesim
