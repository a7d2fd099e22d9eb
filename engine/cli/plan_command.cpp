#include "engine/cli/plan_command.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "engine/cli/command_line.h"
#include "engine/cli/output_file.h"
#include "engine/plan/hot_key_knee.h"
#include "engine/plan/plan_knobs.h"
#include "engine/plan/plan_probe.h"
#include "engine/plan/plan_report.h"
#include "engine/plan/plan_search.h"
#include "engine/scenario/scenario_loader.h"

namespace po = boost::program_options;

namespace likesim {
namespace {

constexpr int kAnswer = 0, kNoAnswer = 1, kBadInput = 2;

constexpr const char* kUsage =
    "Usage: likesim plan SCENARIO.toml --strategy NAME --target KEY=VALUE\n"
    "                    --knob NAME=LO..HI[:WEIGHT] [--knob ...] [options]\n"
    "\n"
    "Finds the smallest configuration of the named knobs that meets every SLO of the\n"
    "scenario at the target load, for one strategy, in simulation. Each knob is an integer\n"
    "in LO..HI and assumed monotone: more of it is never worse. The search widens every\n"
    "knob together geometrically (LO, 2 LO, 4 LO, ...) until a probe passes, then bisects\n"
    "each knob down, the costliest first (cost = WEIGHT x value, WEIGHT 1 by default; ties\n"
    "in the order given), confirms the answer with several seeds and raises the load until\n"
    "the answer fails (the headroom). A probe whose backlog grows steadily past the SLOs'\n"
    "limits stops early: above capacity an open-loop run measures only its own queue.\n"
    "Short knob names: a key of the strategy's table (shards, consumers, app_servers,\n"
    "dedup_shards), redis.X / postgres.X / kafka.X for backends.*.X, else a full key.\n"
    "Prints a line per probe, the answer, the headroom and the analytic (M/D/1) knee of\n"
    "the hot key. Exit status: 0 an answer, 1 no configuration in range meets the SLOs,\n"
    "2 bad input.\n"
    "\n"
    "Options";

constexpr const char* kExample =
    "\nExample:\n"
    "  likesim plan scenarios/celebrity.toml --strategy sharded_counter \\\n"
    "      --target workload.celebrity.peak_likes_per_s=300000 \\\n"
    "      --knob shards=1..256 --knob redis.nodes=1..32 \\\n"
    "      --set workload.celebrity.hold_s=20 --set duration_s=40 --out plan.json\n";

struct Options {
  std::string scenario, strategy, target, costs, out, tolerance;
  std::vector<std::string> knobs, overrides;
  int seeds = 3;
  int jobs = 0;
  bool quiet = false;
};

// "0.05" or "5%": a relative tolerance in [0, 1).
bool parse_fraction(const std::string& text, double& out) {
  std::string digits = text;
  const bool percent = !digits.empty() && digits.back() == '%';
  if (percent) digits.pop_back();
  char* end = nullptr;
  const double v = std::strtod(digits.c_str(), &end);
  if (digits.empty() || end != digits.c_str() + digits.size() || !(v >= 0)) return false;
  out = percent ? v / 100 : v;
  return out < 1;
}

// Everything the search needs, checked: one line on stderr and false when something is wrong.
bool prepare(const Options& o, PlanSearchSpec& spec, PlanSetup& setup, PlanRun& plan,
             std::string& error) {
  const auto bad = [&](std::string why) {
    error = std::move(why);
    return false;
  };
  absl::StatusOr<TargetFlag> target = parse_target_flag(o.target);
  if (!target.ok()) return bad(std::string(target.status().message()));
  std::vector<KnobFlag> flags;
  for (const std::string& text : o.knobs) {
    absl::StatusOr<KnobFlag> k = parse_knob_flag(text);
    if (!k.ok()) return bad(std::string(k.status().message()));
    flags.push_back(*k);
  }
  absl::StatusOr<Scenario> base = load_scenario(o.scenario, o.overrides, o.costs);
  if (!base.ok()) return bad(std::string(base.status().message()));
  const StrategyConfig* strategy = nullptr;
  std::string known;
  for (const StrategyConfig& c : base->strategies) {
    known += (known.empty() ? "" : ", ") + c.name;
    if (c.name == o.strategy) strategy = &c;
  }
  if (strategy == nullptr) {
    return bad("--strategy " + o.strategy + ": no strategy of that name in " + o.scenario +
               " (it has: " + known + ")");
  }
  setup = PlanSetup{o.scenario, o.overrides, o.costs, o.strategy, {}, target->key, false};
  if (const NumericKey* row = schema_row(target->key, *strategy)) {
    setup.target_integer = row->range.integer;
  }
  for (const KnobFlag& f : flags) {
    PlanKnob knob{f.name, f.lo, f.hi, f.weight};
    const std::string key = knob_key(f.name, *strategy);
    for (const std::string& other : setup.knob_keys) {
      if (other == key) return bad("--knob " + f.text + ": " + key + " is named twice");
    }
    if (key == target->key) {
      return bad("--knob " + f.text + ": " + key + " is the --target's key");
    }
    // Within what the scenario takes; said, not silently changed.
    std::int64_t top = knob.hi;
    if (const NumericKey* row = schema_row(key, *strategy)) {
      top = std::min<std::int64_t>(top, static_cast<std::int64_t>(std::floor(row->range.hi)));
    }
    if (top < knob.hi && top >= knob.lo) {
      if (!o.quiet) {
        std::cerr << "likesim plan: note: --knob " << f.text << ": " << key << " is at most " << top
                  << " here; searching " << knob.lo << ".." << top << "\n";
      }
      knob.hi = top;
    }
    for (const std::int64_t v : {knob.lo, knob.hi}) {
      std::vector<std::string> overrides = o.overrides;
      overrides.push_back(key + "=" + std::to_string(v));
      absl::StatusOr<Scenario> s = load_scenario(o.scenario, overrides, o.costs);
      if (!s.ok()) return bad("--knob " + f.text + ": " + std::string(s.status().message()));
    }
    setup.knob_keys.push_back(key);
    spec.knobs.push_back(knob);
  }
  PlanProbeRunner probe_check(setup);
  std::vector<std::string> overrides = o.overrides;
  overrides.push_back(target->key + "=" + probe_check.load_text(target->value));
  absl::StatusOr<Scenario> s = load_scenario(o.scenario, overrides, o.costs);
  if (!s.ok()) return bad("--target " + o.target + ": " + std::string(s.status().message()));

  spec.target_load = target->value;
  spec.integer_load = setup.target_integer;
  spec.seed = base->seed;
  spec.seeds = o.seeds;
  spec.parallel = o.jobs;
  plan.scenario_file = o.scenario;
  plan.strategy = o.strategy;
  plan.costs = o.costs.empty() ? "the scenario's defaults" : o.costs;
  plan.overrides = o.overrides;
  plan.target = *target;
  plan.knob_keys = setup.knob_keys;
  return true;
}

// Runs the search's probes, `jobs` at a time, printing a line as each finishes.
void search(PlanSearch& search, const PlanProbeRunner& runner, int jobs, std::ostream* lines,
            PlanRun& plan) {
  struct Finished {
    PlanProbe probe;
    ProbeResult result;
  };
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<Finished> finished;
  std::vector<std::jthread> threads;
  int running = 0;
  while (!search.done()) {
    while (running < jobs) {
      std::optional<PlanProbe> p = search.next();
      if (!p) break;
      ++running;
      threads.emplace_back([&, probe = *p] {
        ProbeResult r = runner.run(probe);
        {
          std::lock_guard lock(mutex);
          finished.push_back(Finished{probe, std::move(r)});
        }
        cv.notify_one();
      });
    }
    if (running == 0) break;  // cannot happen: a search that waits has probes running
    Finished f;
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return !finished.empty(); });
      f = std::move(finished.front());
      finished.pop_front();
    }
    --running;
    if (lines) *lines << probe_line(search, f.probe, f.result, runner) << std::flush;
    plan.results[f.probe.id] = f.result;
    search.observe(f.probe.id, f.result.observation);
  }
}

}  // namespace

int plan_command(int argc, char** argv) {
  const auto wall_start = std::chrono::steady_clock::now();
  Options o;
  po::options_description visible(kUsage);
  visible.add_options()("help,h", "show this help")(
      "strategy", po::value(&o.strategy)->value_name("NAME"),
      "the strategy to size (a [strategy.NAME] table of the scenario)")(
      "target", po::value(&o.target)->value_name("KEY=VALUE"),
      "the load to meet, as a scenario key and value, e.g. "
      "workload.celebrity.peak_likes_per_s=300000")(
      "knob", po::value(&o.knobs)->composing()->value_name("NAME=LO..HI[:WEIGHT]"),
      "a knob to search, e.g. shards=1..256, redis.nodes=1..32:4 (repeatable)")(
      "set", po::value(&o.overrides)->composing()->value_name("KEY=VALUE"),
      "override a scenario value for every probe, as likesim run --set (repeatable)")(
      "seeds", po::value(&o.seeds)->value_name("N"),
      "the answer must pass at N seeds: the scenario's and the next N-1 (default 3)")(
      "tolerance", po::value(&o.tolerance)->value_name("R"),
      "stop bisecting a knob within R of its value (0.1 or 10%); default 0: exact")(
      "costs", po::value(&o.costs)->value_name("FILE"),
      "a cost file from 'likesim calibrate' instead of the scenario's costs")(
      "jobs,j", po::value(&o.jobs)->value_name("N"),
      "probes run at once (default: one per hardware thread); with an exact tolerance the "
      "answer does not depend on it")(
      "out,o", po::value(&o.out)->value_name("FILE"),
      "write the answer, the probes, the headroom and the knee as JSON (likesim.plan/1)")(
      "quiet,q", "no probe lines and notes: only the summary (and errors)");
  po::variables_map vm;
  if (!parse_command_line(argc, argv, visible, "scenario", o.scenario, "plan", vm)) {
    return kBadInput;
  }
  if (vm.count("help")) {
    std::cout << visible << kExample;
    return kAnswer;
  }
  o.quiet = vm.count("quiet") > 0;
  const auto fail = [](const std::string& why) {
    std::cerr << "likesim plan: " << why << "\n";
    return kBadInput;
  };
  if (o.scenario.empty())
    return fail("missing SCENARIO (a .toml file, e.g. scenarios/celebrity.toml)");
  if (o.strategy.empty()) return fail("missing --strategy NAME (see likesim plan --help)");
  if (o.target.empty()) return fail("missing --target KEY=VALUE (see likesim plan --help)");
  if (o.knobs.empty()) return fail("missing --knob NAME=LO..HI (see likesim plan --help)");
  if (o.seeds < 1) return fail("--seeds must be >= 1");
  if (o.jobs < 0) return fail("--jobs must be >= 0");
  if (o.jobs == 0) o.jobs = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  double tolerance = 0;
  if (!o.tolerance.empty() && !parse_fraction(o.tolerance, tolerance)) {
    return fail("--tolerance " + o.tolerance +
                ": expected a fraction below 1 (0.1) or a percentage (10%)");
  }
  if (!o.out.empty() && o.out != "-") {
    const std::filesystem::path parent = std::filesystem::path(o.out).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return fail("--out " + o.out + ": directory '" + parent.string() + "' does not exist");
    }
  }

  PlanSearchSpec spec;
  PlanSetup setup;
  PlanRun plan;
  std::string error;
  if (!prepare(o, spec, setup, plan, error)) return fail(error);
  spec.tolerance = tolerance;
  const PlanProbeRunner runner(setup);
  PlanSearch planner(spec);
  // With --out - the JSON is stdout, and the text goes to stderr.
  std::ostream& text = o.out == "-" ? std::cerr : std::cout;
  if (!o.quiet) {
    text << "plan: " << o.strategy << " in " << o.scenario << " at " << o.target << "; knobs";
    for (std::size_t i = 0; i < spec.knobs.size(); ++i) {
      text << (i ? ", " : " ") << setup.knob_keys[i] << " " << spec.knobs[i].lo << ".."
           << spec.knobs[i].hi << " (weight " << spec.knobs[i].weight << ")";
    }
    text << "; " << o.seeds << " seed" << (o.seeds > 1 ? "s" : "") << "; " << o.jobs << " probe"
         << (o.jobs > 1 ? "s" : "") << " at a time; costs: " << plan.costs << "\n";
  }
  search(planner, runner, o.jobs, o.quiet ? nullptr : &text, plan);

  if (planner.outcome() == PlanOutcome::answer) {
    const PlanHeadroom& h = planner.headroom();
    if (h.found && h.failure.failed_slos.empty()) {
      // Stopped early (or an error) at the knee: run it to its end to name the SLO it breaks.
      PlanProbe p{0, planner.answer(), h.fail_load, spec.seed, ProbePurpose::headroom, -1};
      plan.headroom_rerun = runner.run(p, /*watch=*/false);
      if (!o.quiet) {
        text << "headroom's failing load without the early stop: "
             << (plan.headroom_rerun->observation.pass ? "PASS  " : "FAIL  ")
             << plan.headroom_rerun->observation.reason << "\n";
      }
    }
  }
  // The knee of the answer, or of the top of every range when there is none.
  std::vector<std::int64_t> at = planner.answer();
  if (planner.outcome() != PlanOutcome::answer) {
    at.clear();
    for (const PlanKnob& k : spec.knobs) at.push_back(k.hi);
  }
  plan.knee_config = planner.describe(at);
  if (plan.target.key != "workload.celebrity.peak_likes_per_s") {
    plan.knee_why_not = "no analytic knee: the target is not workload.celebrity.peak_likes_per_s";
  } else if (absl::StatusOr<Scenario> s = runner.load(at, spec.target_load, spec.seed); s.ok()) {
    plan.knee = hot_key_knee(*s, s->strategies.at(0));
  }
  plan.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  text << plan_summary(planner, plan, runner);
  if (!o.out.empty() && !write_output(o.out, plan_json(planner, plan).dump(2) + "\n")) {
    std::cerr << "likesim plan: cannot write '" << o.out << "'\n";
    return kNoAnswer;
  }
  return planner.outcome() == PlanOutcome::answer ? kAnswer : kNoAnswer;
}

}  // namespace likesim
