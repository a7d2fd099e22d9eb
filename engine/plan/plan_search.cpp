#include "engine/plan/plan_search.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>
#include <utility>

namespace likesim {

std::string_view purpose_name(ProbePurpose purpose) {
  switch (purpose) {
    case ProbePurpose::widen:
      return "widen";
    case ProbePurpose::shrink:
      return "shrink";
    case ProbePurpose::confirm:
      return "confirm";
    case ProbePurpose::repair:
      return "repair";
    case ProbePurpose::headroom:
      return "headroom";
  }
  return "?";
}

PlanSearch::PlanSearch(PlanSearchSpec spec) : spec_(std::move(spec)) {
  assert(!spec_.knobs.empty() && spec_.target_load > 0);
  spec_.parallel = std::max(1, spec_.parallel);
  spec_.seeds = std::max(1, spec_.seeds);
  std::vector<std::int64_t> top;
  for (const PlanKnob& k : spec_.knobs) top.push_back(k.hi);
  while (widen_config(widen_top_) != top) ++widen_top_;  // values double: a few dozen at most
  plan_widen();
  advance();
}

double PlanSearch::cost(const std::vector<std::int64_t>& config) const {
  double c = 0;
  for (std::size_t i = 0; i < spec_.knobs.size(); ++i) {
    c += spec_.knobs[i].weight * static_cast<double>(config[i]);
  }
  return c;
}

std::vector<std::uint64_t> PlanSearch::seeds() const {
  std::vector<std::uint64_t> s;
  for (int j = 0; j < spec_.seeds; ++j) s.push_back(spec_.seed + static_cast<std::uint64_t>(j));
  return s;
}

std::string PlanSearch::describe(const std::vector<std::int64_t>& config) const {
  std::string s;
  for (std::size_t i = 0; i < spec_.knobs.size(); ++i) {
    if (i) s += ' ';
    s += spec_.knobs[i].name + "=" + std::to_string(config[i]);
  }
  return s;
}

std::optional<PlanProbe> PlanSearch::next() {
  for (Planned& p : step_) {
    if (p.resolved || p.issued) continue;
    p.issued = true;
    p.probe.id = next_id_++;
    return p.probe;
  }
  return std::nullopt;
}

void PlanSearch::observe(int id, const PlanObservation& observation) {
  auto it = std::find_if(step_.begin(), step_.end(), [&](const Planned& p) {
    return p.issued && !p.resolved && p.probe.id == id;
  });
  assert(it != step_.end() && "observe() of a probe that is not running");
  if (it == step_.end()) return;
  it->resolved = true;
  it->observation = observation;
  records_.push_back(PlanRecord{it->probe, observation});
  advance();
}

std::optional<bool> PlanSearch::implied(const std::vector<std::int64_t>& config, double load,
                                        std::uint64_t seed) const {
  for (const PlanRecord& r : records_) {
    if (r.probe.seed != seed) continue;
    bool below = true, above = true;  // r's configuration against `config`, knob by knob
    for (std::size_t i = 0; i < config.size(); ++i) {
      below = below && r.probe.config[i] <= config[i];
      above = above && r.probe.config[i] >= config[i];
    }
    if (r.observation.pass && below && r.probe.load >= load) return true;
    if (!r.observation.pass && above && r.probe.load <= load) return false;
  }
  return std::nullopt;
}

void PlanSearch::plan(std::vector<std::int64_t> config, double load, std::uint64_t seed,
                      ProbePurpose purpose, int knob) {
  if (load != spec_.target_load) load = round_load(load);  // the target is the user's
  Planned p;
  p.probe = PlanProbe{0, std::move(config), load, seed, purpose, knob};
  if (std::optional<bool> known = implied(p.probe.config, load, seed)) {
    p.resolved = true;  // not run: an earlier verdict decides it
    p.observation.pass = *known;
    p.observation.reason = "implied by an earlier probe (monotone knobs)";
  }
  step_.push_back(std::move(p));
}

void PlanSearch::advance() {
  while (!done() &&
         std::all_of(step_.begin(), step_.end(), [](const Planned& p) { return p.resolved; })) {
    decide();
  }
}

void PlanSearch::decide() {
  switch (phase_) {
    case Phase::widen:
      return decide_widen();
    case Phase::shrink:
      return decide_shrink();
    case Phase::confirm:
      return decide_confirm();
    case Phase::repair:
      return decide_repair();
    case Phase::headroom_widen:
    case Phase::headroom_bisect:
      return decide_headroom();
  }
}

std::int64_t PlanSearch::tolerance_step(std::int64_t value) const {
  return std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::floor(spec_.tolerance * static_cast<double>(value))));
}

// Level 0 is every knob's lo; level n is lo + max(lo, 1) (2^n - 1), capped at hi: 1, 2, 4, 8
// for lo = 1; 0, 1, 3, 7 for lo = 0.
std::vector<std::int64_t> PlanSearch::widen_config(int level) const {
  std::vector<std::int64_t> c;
  for (const PlanKnob& k : spec_.knobs) {
    const std::int64_t base = std::max<std::int64_t>(k.lo, 1);
    const std::int64_t room = (k.hi - k.lo) / base;  // multiples of base that still fit
    const std::int64_t times = level >= 62 ? room + 1 : (std::int64_t{1} << level) - 1;
    c.push_back(times > room ? k.hi : std::min(k.hi, k.lo + base * times));
  }
  return c;
}

void PlanSearch::plan_widen() {
  step_.clear();
  const int last = std::min(widen_level_ + spec_.parallel - 1, widen_top_);
  for (int level = widen_level_; level <= last; ++level) {
    plan(widen_config(level), spec_.target_load, spec_.seed, ProbePurpose::widen);
  }
}

void PlanSearch::decide_widen() {
  for (const Planned& p : step_) {  // in level order: the lowest level that passed
    if (!p.observation.pass) continue;
    current_ = p.probe.config;
    order_.resize(spec_.knobs.size());
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) {
      return spec_.knobs[static_cast<std::size_t>(a)].weight * static_cast<double>(current_[a]) >
             spec_.knobs[static_cast<std::size_t>(b)].weight * static_cast<double>(current_[b]);
    });
    start_shrink(0);
    return;
  }
  widen_level_ += static_cast<int>(step_.size());
  if (widen_level_ > widen_top_) {
    const Planned& top = step_.back();
    no_answer_ = "no configuration in range meets the SLOs: at " + describe(top.probe.config) +
                 " (every knob at its hi): " + top.observation.reason;
    outcome_ = PlanOutcome::no_answer;
    return;
  }
  plan_widen();
}

void PlanSearch::start_shrink(std::size_t position) {
  shrink_pos_ = position;
  if (position == order_.size()) {
    phase_ = Phase::confirm;
    plan_confirm();
    return;
  }
  phase_ = Phase::shrink;
  const auto k = static_cast<std::size_t>(order_[position]);
  // The highest value of this knob known to fail with every other knob at or above its current
  // value (monotone); below lo nothing is tried.
  shrink_fail_ = spec_.knobs[k].lo - 1;
  for (const PlanRecord& r : records_) {
    if (r.observation.pass || r.probe.seed != spec_.seed || r.probe.load > spec_.target_load) {
      continue;
    }
    bool others_above = true;
    for (std::size_t j = 0; j < current_.size(); ++j) {
      if (j != k) others_above = others_above && r.probe.config[j] >= current_[j];
    }
    if (others_above && r.probe.config[k] < current_[k]) {
      shrink_fail_ = std::max(shrink_fail_, r.probe.config[k]);
    }
  }
  plan_shrink();
}

void PlanSearch::plan_shrink() {
  step_.clear();
  const int k = order_[shrink_pos_];
  const std::int64_t pass = current_[static_cast<std::size_t>(k)];
  const std::int64_t fail = shrink_fail_;
  if (pass - fail <= tolerance_step(pass)) {
    start_shrink(shrink_pos_ + 1);
    return;
  }
  // parallel points splitting (fail, pass) into parallel + 1 parts (a bisection for 1).
  std::int64_t last = fail;
  for (int i = 1; i <= spec_.parallel; ++i) {
    const std::int64_t x = fail + (pass - fail) * i / (spec_.parallel + 1);
    if (x <= last || x >= pass) continue;
    last = x;
    std::vector<std::int64_t> c = current_;
    c[static_cast<std::size_t>(k)] = x;
    plan(std::move(c), spec_.target_load, spec_.seed, ProbePurpose::shrink, k);
  }
}

void PlanSearch::decide_shrink() {
  const auto k = static_cast<std::size_t>(order_[shrink_pos_]);
  std::int64_t pass = current_[k];
  for (const Planned& p : step_) {
    if (p.observation.pass) pass = std::min(pass, p.probe.config[k]);
  }
  for (const Planned& p : step_) {
    if (!p.observation.pass && p.probe.config[k] < pass) {
      shrink_fail_ = std::max(shrink_fail_, p.probe.config[k]);
    }
  }
  current_[k] = pass;
  plan_shrink();
}

void PlanSearch::plan_confirm() {
  step_.clear();
  for (int j = 1; j < spec_.seeds; ++j) {
    plan(current_, spec_.target_load, spec_.seed + static_cast<std::uint64_t>(j),
         ProbePurpose::confirm);
  }
}

void PlanSearch::decide_confirm() {
  failing_seeds_.clear();
  for (const Planned& p : step_) {
    if (!p.observation.pass) failing_seeds_.push_back(p.probe.seed);
  }
  if (failing_seeds_.empty()) {
    phase_ = Phase::headroom_widen;
    headroom_.pass_load = spec_.target_load;
    plan_headroom_widen();
    return;
  }
  // Marginal at another seed: a little more of something.
  phase_ = Phase::repair;
  repair_steps_ = 1;
  plan_repair();
}

void PlanSearch::plan_repair() {
  step_.clear();
  repairs_.clear();
  std::vector<std::int64_t> joint = current_;
  int with_room = 0;
  for (std::size_t k = 0; k < current_.size(); ++k) {
    if (current_[k] >= spec_.knobs[k].hi) continue;
    ++with_room;
    const std::int64_t step = tolerance_step(current_[k]) * repair_steps_;
    std::vector<std::int64_t> c = current_;
    c[k] = joint[k] = std::min(spec_.knobs[k].hi, current_[k] + step);
    repairs_.push_back(std::move(c));
  }
  if (with_room == 0) {
    no_answer_ = "no configuration in range meets the SLOs at every seed: at " +
                 describe(current_) + " (every knob at its hi) it fails at seed " +
                 std::to_string(failing_seeds_.front());
    outcome_ = PlanOutcome::no_answer;
    return;
  }
  if (with_room > 1) repairs_.push_back(joint);
  for (std::size_t i = 0; i < repairs_.size(); ++i) {
    int knob = -1;
    for (std::size_t k = 0; k < current_.size(); ++k) {
      if (repairs_[i] != joint && repairs_[i][k] != current_[k]) knob = static_cast<int>(k);
    }
    for (std::uint64_t seed : failing_seeds_) {
      plan(repairs_[i], spec_.target_load, seed, ProbePurpose::repair, knob);
    }
  }
}

void PlanSearch::decide_repair() {
  const std::vector<std::int64_t>* best = nullptr;
  for (const std::vector<std::int64_t>& c : repairs_) {
    bool pass = true;
    for (const Planned& p : step_) {
      if (p.probe.config == c) pass = pass && p.observation.pass;
    }
    if (pass && (best == nullptr || cost(c) < cost(*best))) best = &c;
  }
  if (best == nullptr) {  // no single step is enough: all of them, and longer ones next
    current_ = repairs_.back();
    repair_steps_ *= 2;
    plan_repair();
    return;
  }
  current_ = *best;
  phase_ = Phase::confirm;
  plan_confirm();
}

void PlanSearch::plan_headroom_widen() {
  step_.clear();
  const int last = std::min(headroom_level_ + spec_.parallel - 1, spec_.headroom_max_steps);
  for (int level = headroom_level_; level <= last; ++level) {
    plan(current_, spec_.target_load * std::pow(spec_.headroom_step, level), spec_.seed,
         ProbePurpose::headroom);
  }
}

void PlanSearch::plan_headroom_bisect() {
  step_.clear();
  const double pass = headroom_.pass_load, fail = headroom_.fail_load;
  double last = pass;
  if (fail > pass * (1 + spec_.headroom_tolerance)) {
    for (int i = 1; i <= spec_.parallel; ++i) {  // geometric sections of (pass, fail)
      const double x =
          round_load(pass * std::pow(fail / pass, static_cast<double>(i) / (spec_.parallel + 1)));
      if (x <= last || x >= fail) continue;  // rounded onto a load already known
      last = x;
      plan(current_, x, spec_.seed, ProbePurpose::headroom);
    }
  }
  if (step_.empty()) outcome_ = PlanOutcome::answer;  // within the tolerance (or the rounding)
}

// Loads as a person would write them, so a probe runs the load its line prints: 4 significant
// digits (0.1 % or finer, well inside the headroom's 2 %), whole numbers for a count.
double PlanSearch::round_load(double load) const {
  if (load > 0) {
    const double quantum = std::pow(10.0, std::floor(std::log10(load)) - 3);
    load = std::round(load / quantum) * quantum;
  }
  return spec_.integer_load ? std::max(1.0, std::round(load)) : load;
}

void PlanSearch::decide_headroom() {
  for (const Planned& p : step_) {
    if (!p.observation.pass && (!headroom_.found || p.probe.load < headroom_.fail_load)) {
      headroom_.found = true;
      headroom_.fail_load = p.probe.load;
      headroom_.failure = p.observation;
    }
  }
  for (const Planned& p : step_) {
    const bool below_fail = !headroom_.found || p.probe.load < headroom_.fail_load;
    if (p.observation.pass && below_fail) {
      headroom_.pass_load = std::max(headroom_.pass_load, p.probe.load);
    }
  }
  if (headroom_.found) {
    phase_ = Phase::headroom_bisect;
    plan_headroom_bisect();
    return;
  }
  headroom_level_ += static_cast<int>(step_.size());
  if (headroom_level_ > spec_.headroom_max_steps) {
    outcome_ = PlanOutcome::answer;  // passes up to pass_load: no knee in sight
    return;
  }
  plan_headroom_widen();
}

}  // namespace likesim
