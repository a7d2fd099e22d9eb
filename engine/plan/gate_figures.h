// GateFigures: what `likesim gate` compares, taken from one or more reports of one
// configuration, or read back from a baseline file (bench/baselines/*.json).
//
// Per strategy, figures by name, each a list of samples (one per report):
//   <op>.latency_p50_us .. <op>.latency_p999_us   from the intended send time; higher is worse
//   throughput.completed_per_s                      lower is worse
//   final.lost_likes, final.lost_unlikes, final.double_counts, final.dedup_violations,
//   final.posts_wrong, <op>.wrong_answers           counts that must never grow
//   slo.<name>                                      1 = pass, 0 = fail; a pass must not become a
//   fail
// An op's latencies are kept only when every report answered some of it. The identity says
// which configuration they measure; gate compares only equal identities.
//
//   absl::StatusOr<GateFigures> now = figures_from_files({"report.json"});
//   write_output("bench/baselines/smoke.json", baseline_json_text(*now));
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace likesim {

inline constexpr const char* kBaselineSchema = "likesim.gate-baseline/1";

// How a figure is judged (gate.cpp): by its name.
enum class FigureKind { latency, throughput, count, slo };
FigureKind figure_kind(const std::string& name);

struct GateIdentity {
  std::string scenario;     // name, for messages
  std::string config_hash;  // report scenario.config_hash
  std::uint64_t seed = 0;
  std::string backend;     // "sim" or "real"
  std::string build_type;  // report engine.build_type
};

struct GateFigures {
  GateIdentity identity;
  std::size_t reports = 0;
  // strategy -> figure -> samples, one per report.
  std::map<std::string, std::map<std::string, std::vector<double>>> strategies;
};

// Reads each file: a report (likesim.report/1) or a baseline (likesim.gate-baseline/1). All must
// share one identity. Errors are one line naming the file and the field.
absl::StatusOr<GateFigures> figures_from_files(const std::vector<std::string>& paths);

// The first field in which `got` differs from `expected`, said for a message; "" when equal.
std::string identity_mismatch(const GateIdentity& expected, const GateIdentity& got);

// The baseline file's text for `figures` (stable: the same figures give the same bytes).
std::string baseline_json_text(const GateFigures& figures);

}  // namespace likesim
