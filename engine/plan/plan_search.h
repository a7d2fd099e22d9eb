// PlanSearch: the search of `likesim plan` as a pure state machine — the smallest configuration
// of some integer knobs (shards, nodes, consumers, ...) that meets every SLO at a target load,
// and the load at which that configuration starts to fail. No clock, no simulator: next()
// hands out probes (a configuration, a load and a seed), observe() takes their verdicts, so
// tests drive it with synthetic observations and the command runs the probes in parallel
// (linera-protocol PR #6767's shape; planning notes §3b).
//
// Assumption, stated: every knob is monotone — more of it is never worse — and more load is
// never better. The search relies on it to skip probes whose verdict is implied by earlier ones
// (a configuration at or above one that passed passes, at the same seed and no more load), and
// to read a bracket as pass/fail.
//
// The search, as mutilate, MLPerf LoadGen and guidellm do it:
//  1. widen: every knob together from its lo, geometrically (lo, 2 lo, 4 lo, ... capped at hi),
//     until a probe passes; everything at hi failing means no configuration in range meets the
//     SLOs (outcome no_answer, with that probe's reason);
//  2. shrink: one knob at a time, the costliest first (weight x value, ties in the order
//     given), bisect it down between the highest value known to fail with the others held
//     (its lo - 1 if none) and its passing value, until they are within the tolerance
//     (max(1, tolerance x value): exact for integers by default). The result is minimal knob by
//     knob (one less of any knob fails), not necessarily the cheapest of all such points;
//  3. confirm: the answer must pass at `seeds` seeds (the search's and the next ones). When it
//     fails at some, repair: try one step more of each knob alone (the tolerance step: 1 when
//     exact) and of all together, at the failing seeds, and take the cheapest that passes there
//     (none: all together, with steps twice as long next time); then confirm again;
//  4. headroom: the answer at loads target x step, x step^2, ... until one fails, then bisect to
//     a relative headroom_tolerance: the load at which the answer starts to fail, and the SLOs
//     it fails there first.
// With parallel = N, each step plans up to N probes at once (N + 1 sections instead of halves,
// N widening levels ahead, all seeds of a confirmation); the answer does not depend on N when
// the knobs are monotone and the tolerance is exact.
//
//   PlanSearch search(spec);
//   while (!search.done()) {
//     while (std::optional<PlanProbe> p = search.next()) start(*p);   // independent probes
//     auto [id, observation] = wait_for_one();
//     search.observe(id, observation);
//   }
//   if (search.outcome() == PlanOutcome::answer) print(search.answer(), search.headroom());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace likesim {

struct PlanKnob {
  std::string name;  // as the user named it; only for messages
  std::int64_t lo = 1, hi = 1;
  double weight = 1;  // cost of one unit of this knob
};

struct PlanSearchSpec {
  std::vector<PlanKnob> knobs;  // lo <= hi each; at least one
  double target_load = 0;       // > 0
  bool integer_load = false;    // the load is a count: probe whole numbers only
  std::uint64_t seed = 1;       // the search's seed; confirmation adds seed + 1, seed + 2, ...
  int seeds = 3;                // the answer must pass at this many seeds (1: no confirmation)
  double tolerance = 0;         // relative, for the knobs' bisection; 0 = exact
  int parallel = 1;             // probes one step may have in flight
  double headroom_step = 1.25;
  double headroom_tolerance = 0.02;
  int headroom_max_steps = 16;  // 1.25^16 = 35x the target: beyond that, "no failure up to"
};

enum class ProbePurpose : std::uint8_t { widen, shrink, confirm, repair, headroom };
std::string_view purpose_name(ProbePurpose purpose);

struct PlanProbe {
  int id = 0;                        // 1, 2, 3, ... in the order next() hands them out
  std::vector<std::int64_t> config;  // a value per knob, in the spec's order
  double load = 0;
  std::uint64_t seed = 0;
  ProbePurpose purpose = ProbePurpose::widen;
  int knob = -1;  // shrink: the knob being bisected; repair: the knob stepped (-1: all)
};

struct PlanObservation {
  bool pass = false;
  std::vector<std::string> failed_slos;  // names of the SLOs missed; empty when stopped early
  std::string reason;                    // one line: why it failed, or its figures
};

struct PlanRecord {
  PlanProbe probe;
  PlanObservation observation;
};

struct PlanHeadroom {
  bool found = false;       // a failing load was found; else it passed up to pass_load
  double pass_load = 0;     // the highest load seen to pass
  double fail_load = 0;     // the lowest load seen to fail
  PlanObservation failure;  // the verdict at fail_load: which SLO fails first, and why
};

enum class PlanOutcome : std::uint8_t { searching, answer, no_answer };

class PlanSearch {
 public:
  explicit PlanSearch(PlanSearchSpec spec);

  // The next probe to run now (independent of every probe still running), or nullopt when the
  // search waits for observations or is done().
  std::optional<PlanProbe> next();
  // The verdict of probe `id` (handed out by next(), observed once).
  void observe(int id, const PlanObservation& observation);

  bool done() const { return outcome_ != PlanOutcome::searching; }
  PlanOutcome outcome() const { return outcome_; }
  // The answer (outcome answer): a value per knob.
  const std::vector<std::int64_t>& answer() const { return current_; }
  // Σ weight x value.
  double cost(const std::vector<std::int64_t>& config) const;
  const PlanHeadroom& headroom() const { return headroom_; }
  // Why there is no answer (outcome no_answer).
  const std::string& no_answer_reason() const { return no_answer_; }
  // Every probe observed, in the order observed.
  const std::vector<PlanRecord>& records() const { return records_; }
  // The seeds the answer passed at (outcome answer).
  std::vector<std::uint64_t> seeds() const;
  const PlanSearchSpec& spec() const { return spec_; }
  // "shards=16 redis.nodes=8".
  std::string describe(const std::vector<std::int64_t>& config) const;

 private:
  enum class Phase : std::uint8_t {
    widen,
    shrink,
    confirm,
    repair,
    headroom_widen,
    headroom_bisect
  };
  struct Planned {
    PlanProbe probe;
    bool resolved = false;
    bool issued = false;
    PlanObservation observation;
  };

  // A probe for this step; its verdict is taken from earlier ones when they imply it.
  void plan(std::vector<std::int64_t> config, double load, std::uint64_t seed, ProbePurpose purpose,
            int knob = -1);
  // Decides on each finished step and plans the next, until a step has probes to run.
  void advance();
  void decide();
  std::optional<bool> implied(const std::vector<std::int64_t>& config, double load,
                              std::uint64_t seed) const;

  void plan_widen();
  void start_shrink(std::size_t position);
  void plan_shrink();
  void plan_confirm();
  void plan_repair();
  void plan_headroom_widen();
  void plan_headroom_bisect();
  void decide_widen();
  void decide_shrink();
  void decide_confirm();
  void decide_repair();
  void decide_headroom();
  std::vector<std::int64_t> widen_config(int level) const;
  std::int64_t tolerance_step(std::int64_t value) const;
  double round_load(double load) const;

  PlanSearchSpec spec_;
  PlanOutcome outcome_ = PlanOutcome::searching;
  Phase phase_ = Phase::widen;
  std::vector<Planned> step_;  // the current step's probes
  int next_id_ = 1;
  std::vector<PlanRecord> records_;

  int widen_level_ = 0;                // the first level of the current widening step
  int widen_top_ = 0;                  // the level at which every knob is at its hi
  std::vector<std::int64_t> current_;  // the passing configuration (then the answer)
  std::vector<int> order_;             // knobs, costliest first
  std::size_t shrink_pos_ = 0;
  std::int64_t shrink_fail_ = 0;                    // the knob's value known (or taken) to fail
  std::vector<std::uint64_t> failing_seeds_;        // repair: the seeds the answer failed at
  std::vector<std::vector<std::int64_t>> repairs_;  // repair: the candidates, joint one last
  std::int64_t repair_steps_ = 1;                   // repair: tolerance steps per knob
  int headroom_level_ = 1;
  PlanHeadroom headroom_;
  std::string no_answer_;
};

}  // namespace likesim
