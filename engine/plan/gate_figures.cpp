#include "engine/plan/gate_figures.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/metrics/run_report.h"
#include "engine/model/request.h"

namespace likesim {
namespace {

using Json = nlohmann::json;

// A field that is missing or of the wrong type: the message names its path.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const Json& field(const Json& j, const std::string& path, const char* key) {
  if (!j.is_object() || !j.contains(key)) throw FieldError(absl::StrCat("no field ", path, key));
  return j.at(key);
}
double number(const Json& j, const std::string& path, const char* key) {
  const Json& v = field(j, path, key);
  if (!v.is_number()) throw FieldError(absl::StrCat(path, key, " is not a number"));
  return v.get<double>();
}
std::string text(const Json& j, const std::string& path, const char* key) {
  const Json& v = field(j, path, key);
  if (!v.is_string()) throw FieldError(absl::StrCat(path, key, " is not a string"));
  return v.get<std::string>();
}

constexpr const char* kPercentiles[] = {"p50", "p90", "p99", "p999"};
constexpr const char* kFinalCounts[] = {"lost_likes", "lost_unlikes", "double_counts",
                                        "dedup_violations", "posts_wrong"};

// One report's figures, strategy by strategy.
std::map<std::string, std::map<std::string, double>> report_figures(const Json& report) {
  std::map<std::string, std::map<std::string, double>> out;
  const Json& strategies = field(report, "", "strategies");
  if (!strategies.is_array()) throw FieldError("strategies is not an array");
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    const Json& s = strategies[i];
    const std::string at = absl::StrCat("strategies[", i, "].");
    const std::string name = text(s, at, "name");
    std::map<std::string, double>& f = out[name];
    const Json& ops = field(s, at, "ops");
    for (int i = 0; i < kOpCount; ++i) {  // the report's ops, as report_json names them
      const std::string op(op_name(static_cast<Op>(i)));
      const std::string op_at = absl::StrCat(at, "ops.", op, ".");
      const Json& o = field(ops, at + "ops.", op.c_str());
      f[absl::StrCat(op, ".wrong_answers")] = number(o, op_at, "wrong_answers");
      if (number(o, op_at, "count") == 0) continue;
      const Json& latency = field(o, op_at, "latency_us");
      for (const char* p : kPercentiles) {
        f[absl::StrCat(op, ".latency_", p, "_us")] = number(latency, op_at + "latency_us.", p);
      }
    }
    f["throughput.completed_per_s"] =
        number(field(s, at, "throughput"), at + "throughput.", "completed_per_s");
    const Json& final_check = field(s, at, "final");
    for (const char* c : kFinalCounts) {
      f[absl::StrCat("final.", c)] = number(final_check, at + "final.", c);
    }
    const Json& slos = field(s, at, "slo");
    if (!slos.is_array()) throw FieldError(at + "slo is not an array");
    for (std::size_t k = 0; k < slos.size(); ++k) {
      const std::string slo_at = absl::StrCat(at, "slo[", k, "].");
      const Json& pass = field(slos[k], slo_at, "pass");
      if (!pass.is_boolean()) throw FieldError(slo_at + "pass is not true or false");
      f["slo." + text(slos[k], slo_at, "name")] = pass.get<bool>() ? 1 : 0;
    }
  }
  return out;
}

// A report keeps its identity in `scenario` and `engine`, a baseline in `identity`.
GateIdentity read_identity(const Json& j, bool is_report) {
  const std::string at = is_report ? "scenario." : "identity.";
  const Json& s = field(j, "", is_report ? "scenario" : "identity");
  GateIdentity id;
  id.scenario = text(s, at, is_report ? "name" : "scenario");
  id.config_hash = text(s, at, "config_hash");
  const Json& seed = field(s, at, "seed");
  if (!seed.is_number_unsigned()) throw FieldError(at + "seed is not a whole number");
  id.seed = seed.get<std::uint64_t>();
  id.backend = text(s, at, "backend");
  id.build_type =
      is_report ? text(field(j, "", "engine"), "engine.", "build_type") : text(s, at, "build_type");
  return id;
}

}  // namespace

std::string identity_mismatch(const GateIdentity& a, const GateIdentity& b) {
  if (a.config_hash != b.config_hash) {
    return absl::StrCat("scenario.config_hash ", b.config_hash, " is not ", a.config_hash,
                        " (another scenario, --set, --seed or cost file)");
  }
  if (a.seed != b.seed) return absl::StrCat("seed ", b.seed, " is not ", a.seed);
  if (a.backend != b.backend) return absl::StrCat("backend ", b.backend, " is not ", a.backend);
  if (a.build_type != b.build_type) {
    return absl::StrCat("engine.build_type ", b.build_type, " is not ", a.build_type);
  }
  return "";
}

namespace {

void add_baseline(const Json& baseline, GateFigures& into) {
  const Json& strategies = field(baseline, "", "strategies");
  if (!strategies.is_object()) throw FieldError("strategies is not an object");
  const Json& count = field(baseline, "", "reports");
  if (!count.is_number_unsigned() || count.get<std::size_t>() == 0) {
    throw FieldError("reports is not a count of reports");
  }
  const std::size_t reports = count.get<std::size_t>();
  for (const auto& [name, figures] : strategies.items()) {
    if (!figures.is_object()) throw FieldError("strategies." + name + " is not an object");
    for (const auto& [figure, samples] : figures.items()) {
      const std::string at = "strategies." + name + "." + figure;
      if (!samples.is_array() || samples.size() != reports) {
        throw FieldError(absl::StrCat(at, " is not a list of ", reports, " numbers"));
      }
      std::vector<double>& to = into.strategies[name][figure];
      for (const Json& v : samples) {
        if (!v.is_number()) throw FieldError(at + " holds a value that is not a number");
        to.push_back(v.get<double>());
      }
    }
  }
  into.reports += reports;
}

void add_report(const Json& report, GateFigures& into) {
  for (const auto& [name, figures] : report_figures(report)) {
    for (const auto& [figure, value] : figures) into.strategies[name][figure].push_back(value);
  }
  into.reports += 1;
}

}  // namespace

FigureKind figure_kind(const std::string& name) {
  if (absl::StartsWith(name, "slo.")) return FigureKind::slo;
  if (absl::StartsWith(name, "throughput.")) return FigureKind::throughput;
  if (absl::StrContains(name, ".latency_")) return FigureKind::latency;
  return FigureKind::count;
}

absl::StatusOr<GateFigures> figures_from_files(const std::vector<std::string>& paths) {
  GateFigures out;
  for (const std::string& path : paths) {
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(path + ": cannot read it");
    Json j;
    try {
      j = Json::parse(in);
    } catch (const Json::parse_error& e) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": not JSON (byte ", e.byte, "): ", e.what()));
    }
    try {
      const std::string schema = text(j, "", "schema");
      const bool is_report = schema == kReportSchema;
      if (!is_report && schema != kBaselineSchema) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": schema '", schema, "' is neither ",
                                                       kReportSchema, " nor ", kBaselineSchema));
      }
      const GateIdentity id = read_identity(j, is_report);
      if (out.reports == 0) {
        out.identity = id;
      } else if (const std::string why = identity_mismatch(out.identity, id); !why.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": not the configuration of ", paths.front(), ": ", why));
      }
      is_report ? add_report(j, out) : add_baseline(j, out);
      // Every file must bring the same figures, or the samples would not line up.
      for (const auto& [name, figures] : out.strategies) {
        for (const auto& [figure, samples] : figures) {
          if (samples.size() != out.reports) {
            return absl::InvalidArgumentError(
                absl::StrCat(path, ": strategy ", name, " figure ", figure,
                             " is not in every file (a strategy, an SLO or an answered op in "
                             "some of them only)"));
          }
        }
      }
    } catch (const FieldError& e) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", e.what()));
    } catch (const Json::exception& e) {  // a field of the wrong type
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", e.what()));
    }
  }
  return out;
}

// One line per figure, so a baseline's diff in a commit shows what moved.
std::string baseline_json_text(const GateFigures& figures) {
  const GateIdentity& id = figures.identity;
  nlohmann::ordered_json identity = {{"scenario", id.scenario},
                                     {"config_hash", id.config_hash},
                                     {"seed", id.seed},
                                     {"backend", id.backend},
                                     {"build_type", id.build_type}};
  std::string out =
      absl::StrCat("{\n  \"schema\": \"", kBaselineSchema, "\",\n  \"identity\": ", identity.dump(),
                   ",\n  \"reports\": ", figures.reports, ",\n  \"strategies\": {");
  const char* strategy_sep = "\n";
  for (const auto& [name, f] : figures.strategies) {
    absl::StrAppend(&out, strategy_sep, "    ", Json(name).dump(), ": {");
    const char* figure_sep = "\n";
    for (const auto& [figure, samples] : f) {
      absl::StrAppend(&out, figure_sep, "      ", Json(figure).dump(), ": ", Json(samples).dump());
      figure_sep = ",\n";
    }
    absl::StrAppend(&out, "\n    }");
    strategy_sep = ",\n";
  }
  absl::StrAppend(&out, "\n  }\n}\n");
  return out;
}

}  // namespace likesim
