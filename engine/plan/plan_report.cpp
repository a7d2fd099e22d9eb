#include "engine/plan/plan_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace likesim {
namespace {

std::string fixed(double x, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string rate(double x) { return fixed(x, 0); }

// The probe showing that one less of knob k fails with every other knob at or above the answer
// (at any seed the search used, at the target load or below), or null.
const PlanRecord* one_less_fails(const PlanSearch& search, std::size_t k, double target) {
  const std::vector<std::int64_t>& a = search.answer();
  for (const PlanRecord& r : search.records()) {
    if (r.observation.pass || r.probe.load > target) continue;
    if (r.probe.config[k] != a[k] - 1) continue;
    bool others = true;
    for (std::size_t j = 0; j < a.size(); ++j) {
      if (j != k) others = others && r.probe.config[j] >= a[j];
    }
    if (others) return &r;
  }
  return nullptr;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::string probe_line(const PlanSearch& search, const PlanProbe& probe, const ProbeResult& result,
                       const PlanProbeRunner& runner) {
  char head[64];
  std::snprintf(head, sizeof head, "probe %3d  %-8s ", probe.id,
                std::string(purpose_name(probe.purpose)).c_str());
  std::string line = head + search.describe(probe.config) + "  load " +
                     runner.load_text(probe.load) + "  seed " + std::to_string(probe.seed) +
                     (result.observation.pass ? "  PASS  " : "  FAIL  ") +
                     result.observation.reason + "  [" + fixed(result.simulated_s, 1) +
                     " s simulated, " + fixed(result.wall_s, 1) + " s wall]\n";
  return line;
}

std::string first_failing_slo(const PlanSearch& search, const PlanRun& plan) {
  const PlanHeadroom& h = search.headroom();
  if (!h.found) return "";
  if (!h.failure.failed_slos.empty()) return join(h.failure.failed_slos);
  if (plan.headroom_rerun) {
    const PlanObservation& o = plan.headroom_rerun->observation;
    if (!o.failed_slos.empty()) return join(o.failed_slos);
    return o.pass ? "none: run to its end, that load passes" : "none named (" + o.reason + ")";
  }
  return "none named (" + h.failure.reason + ")";
}

std::string plan_summary(const PlanSearch& search, const PlanRun& plan,
                         const PlanProbeRunner& runner) {
  std::string out;
  int stopped = 0;
  double simulated = 0;
  for (const auto& [id, r] : plan.results) {
    stopped += r.stopped_early;
    simulated += r.simulated_s;
  }
  const std::string target = plan.target.key + "=" + runner.load_text(plan.target.value);
  if (search.outcome() != PlanOutcome::answer) {
    out += "no answer: " + search.no_answer_reason() + "\n";
  } else {
    const std::vector<std::int64_t>& a = search.answer();
    out += "answer: " + search.describe(a) + "  (cost " + fixed(search.cost(a), 0) + ")\n";
    std::string keys;
    for (std::size_t i = 0; i < a.size(); ++i) {
      keys += (i ? " " : "") + plan.knob_keys[i] + "=" + std::to_string(a[i]);
    }
    out += "  " + keys + "\n";
    std::string seeds;
    for (std::uint64_t s : search.seeds()) seeds += (seeds.empty() ? "" : ", ") + std::to_string(s);
    out += "  meets every SLO of " + plan.strategy + " at " + target + ", seeds " + seeds + "\n";
    for (std::size_t k = 0; k < a.size(); ++k) {
      std::vector<std::int64_t> less = a;
      --less[k];
      const PlanRecord* r = one_less_fails(search, k, plan.target.value);
      const bool repaired =
          std::any_of(search.records().begin(), search.records().end(),
                      [](const PlanRecord& x) { return x.probe.purpose == ProbePurpose::repair; });
      std::string what;
      if (r != nullptr) {
        what = "fails (probe " + std::to_string(r->probe.id) + ", seed " +
               std::to_string(r->probe.seed) + ": " + r->observation.reason + ")";
      } else if (less[k] < search.spec().knobs[k].lo) {
        continue;  // below the knob's range: nothing to say
      } else if (repaired) {
        what =
            "not probed: a confirmation seed stepped the answer up, so one less may pass at "
            "some seeds";
      } else {
        what = "not probed (within the tolerance)";
      }
      out += "  one less, " + search.describe(less) + ": " + what + "\n";
    }
    const PlanHeadroom& h = search.headroom();
    if (h.found) {
      out += "headroom: passes at " + runner.load_text(h.pass_load) + ", fails at " +
             runner.load_text(h.fail_load) + " (x" + fixed(h.fail_load / plan.target.value, 2) +
             " the target); fails first: " + first_failing_slo(search, plan) + "\n";
    } else {
      out += "headroom: passes up to " + runner.load_text(h.pass_load) + " (x" +
             fixed(h.pass_load / plan.target.value, 1) + " the target), no failure found\n";
    }
  }
  if (plan.knee.available) {
    const HotKeyKnee& k = plan.knee;
    const std::string simulated_knee =
        search.outcome() == PlanOutcome::answer && search.headroom().found
            ? "simulated knee " + rate(search.headroom().fail_load) + " likes/s, "
            : "";
    out += "knee" + (search.outcome() == PlanOutcome::answer ? "" : " at " + plan.knee_config) +
           ": " + simulated_knee + "M/D/1 knee " + rate(k.knee) + " likes/s (service " +
           fixed(k.service_us, 1) + " us x " + fixed(k.requests_per_like, 3) +
           " requests per like on node " + std::to_string(k.node) + " of " +
           std::to_string(k.nodes) + "; capacity " + rate(k.capacity) + " likes/s)\n";
    out += "  M/D/1 path: " + k.path +
           "; hot post only (background, two waits per like, finite hold ignored)\n";
  } else {
    out += "knee: " + (plan.knee_why_not.empty() ? plan.knee.why_not : plan.knee_why_not) + "\n";
  }
  out += "probes: " + std::to_string(plan.results.size()) + " run (" + std::to_string(stopped) +
         " stopped early), " + fixed(simulated, 0) + " s simulated, " + fixed(plan.wall_s, 0) +
         " s wall; costs: " + plan.costs + "\n";
  return out;
}

nlohmann::ordered_json plan_json(const PlanSearch& search, const PlanRun& plan) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["schema"] = kPlanSchema;
  j["scenario"] = plan.scenario_file;
  j["strategy"] = plan.strategy;
  j["costs"] = plan.costs;
  j["overrides"] = plan.overrides;
  j["target"] = Json{{"key", plan.target.key}, {"value", plan.target.value}};
  const auto config_json = [&](const std::vector<std::int64_t>& c) {
    Json o = Json::object();
    for (std::size_t i = 0; i < c.size(); ++i) o[plan.knob_keys[i]] = c[i];
    return o;
  };
  Json seeds = Json::array();
  for (std::uint64_t s : search.seeds()) seeds.push_back(s);
  j["seeds"] = seeds;
  const bool answered = search.outcome() == PlanOutcome::answer;
  j["outcome"] = answered ? "answer" : "no_answer";
  j["answer"] = answered ? config_json(search.answer()) : Json(nullptr);
  if (answered) {
    j["answer_cost"] = search.cost(search.answer());
  } else {
    j["no_answer_reason"] = search.no_answer_reason();
  }
  Json probes = Json::array();
  for (const PlanRecord& r : search.records()) {
    const auto it = plan.results.find(r.probe.id);
    const ProbeResult* res = it == plan.results.end() ? nullptr : &it->second;
    probes.push_back(Json{{"id", r.probe.id},
                          {"purpose", std::string(purpose_name(r.probe.purpose))},
                          {"config", config_json(r.probe.config)},
                          {"load", r.probe.load},
                          {"seed", r.probe.seed},
                          {"pass", r.observation.pass},
                          {"failed_slos", r.observation.failed_slos},
                          {"reason", r.observation.reason},
                          {"stopped_early", res ? res->stopped_early : false},
                          {"simulated_s", res ? res->simulated_s : 0.0},
                          {"wall_s", res ? res->wall_s : 0.0}});
  }
  j["probes"] = probes;
  const PlanHeadroom& h = search.headroom();
  if (answered) {
    j["headroom"] = Json{{"found", h.found},
                         {"load", h.found ? Json(h.fail_load) : Json(nullptr)},
                         {"pass_load", h.pass_load},
                         {"first_failing_slo", first_failing_slo(search, plan)},
                         {"reason", h.failure.reason}};
  } else {
    j["headroom"] = nullptr;
  }
  const HotKeyKnee& k = plan.knee;
  if (k.available) {
    j["analytic_knee"] = Json{{"available", true},
                              {"model", "M/D/1"},
                              {"config", plan.knee_config},
                              {"knee_likes_per_s", k.knee},
                              {"capacity_likes_per_s", k.capacity},
                              {"service_us", k.service_us},
                              {"requests_per_like", k.requests_per_like},
                              {"us_per_like", k.us_per_like},
                              {"node", k.node},
                              {"nodes", k.nodes},
                              {"like_p99_limit_ms", k.latency_limit_ms},
                              {"unloaded_latency_us", k.unloaded_latency_us},
                              {"path", k.path}};
  } else {
    j["analytic_knee"] =
        Json{{"available", false},
             {"why_not", plan.knee_why_not.empty() ? k.why_not : plan.knee_why_not}};
  }
  j["wall_seconds"] = plan.wall_s;
  return j;
}

}  // namespace likesim
