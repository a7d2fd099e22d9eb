// HawkesCascades: many like cascades at once, each a marked Hawkes process generated in its
// branching (cluster) representation, streamed in time order.
//
// New cascades start as a Poisson stream (cascades_per_s from first_cascade_s). A cascade
// draws its size S from CascadeSizes; its root (the post) has direct likes with mean measure
// S (1 - n*) F(tau) (F the kernel's CDF), generated a few at a time: over a group of the
// kernel's equal-mass pieces (DelaySampler) holding ~8 expected likes, a Poisson count of them,
// each drawn inside a piece of the group; then the root waits for the group's end as one
// entry, so a root holds about 8 pending likes and one entry, never its whole size. Every like
// draws its liker's follower count m ~ Pareto(mark_alpha) from 1 and
// Poisson(n* m^beta / E[m^beta]) children, each after a kernel delay, all at once: E[size] = S.
// Cascade time is divided by rate_multiplier. No intensity is ever evaluated (no thinning):
// O(1) work per like; pending likes wait in a RadixCalendar until their time, so memory is
// O(pending likes + active roots), never O(history); likes past the run's end are never made,
// nor their descendants. Deterministic per seed, and the same whatever the calendar's slot size.
//
//   HawkesCascades gen(config.hawkes, *CascadeSizes::from_config(config.hawkes), seed, 60s);
//   CascadeEvent e;
//   while (gen.next(e)) if (!e.start) like(e.time_ns, e.cascade);   // e.cascade = 0, 1, 2, ...
//   gen.expected_like_rate_at(30.0);   // likes/s expected at 30 s of run time
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/core/random_stream.h"
#include "engine/core/sim_time.h"
#include "workloads/cascade_sizes.h"
#include "workloads/delay_sampler.h"
#include "workloads/hawkes_kernel.h"
#include "workloads/radix_calendar.h"
#include "workloads/workload_config.h"

namespace likesim {

struct CascadeEvent {
  std::int64_t time_ns = 0;   // run time
  std::uint32_t cascade = 0;  // cascades are numbered 0, 1, 2, ... in the order they start
  bool start = false;         // the cascade starts (its post goes live); else one like
};

class HawkesCascades {
 public:
  // slot_bits: the calendar's level-0 slot (2^slot_bits ns); -1 picks one from the expected
  // like rate (~16 likes per slot). It changes the speed, never the events.
  HawkesCascades(const HawkesConfig& config, CascadeSizes sizes, std::uint64_t seed,
                 Duration duration, int slot_bits = -1);

  // The next event (a cascade start, or a like) in time order, or false after the last.
  bool next(CascadeEvent& out) {
    if (ready_pos_ == ready_size_ && !refill()) return false;
    out = ready_[ready_pos_++];
    return true;
  }

  // Expected likes per second of run time at t (seconds): cascades_per_s * E[S] * G, G the
  // expected share of a cascade's likes within (t - first_cascade_s) * rate_multiplier of its
  // start, from the renewal equation m = (1 - n*) F + n* m * dF solved on a log grid.
  double expected_like_rate_at(double t_s) const;

  const HawkesKernel& kernel() const { return kernel_; }
  const CascadeSizes& sizes() const { return sizes_; }
  // Likes made so far: up to kBatch - 1 more than next() has returned.
  std::uint64_t likes() const { return likes_; }
  std::uint32_t cascades() const { return cascades_; }
  // Events waiting in the calendar (the made ones next() has not returned yet apart).
  std::size_t pending() const { return calendar_.size(); }
  std::size_t max_pending() const { return max_pending_; }
  std::size_t memory_bytes() const;
  // One like's number of children, drawn as the generator draws it (for tests).
  std::uint32_t draw_child_count();

 private:
  enum Kind : std::uint64_t { kStart = 0, kRoot = 1, kLike = 2 };
  struct Root {
    std::int64_t start_ns;
    std::uint32_t next_piece;  // the first kernel piece of the root's next group
    std::uint32_t group;       // pieces per group
    double per_piece;          // S (1 - n*) / kPieces: the direct likes' mean per piece
  };
  static std::uint64_t tag(std::uint32_t cascade, std::uint32_t root, Kind kind) {
    return std::uint64_t{cascade} << 32 | std::uint64_t{root} << 2 | kind;
  }
  // Events are made kBatch at a time: one call's register saves for many likes, and the
  // children's stream held in registers for the batch (in memory, every calendar store might
  // have overwritten it, so each draw loaded and stored its four words).
  static constexpr std::size_t kBatch = 64;
  // Fills ready_ with the next events; false when none is left.
  bool refill();
  void start_cascade(std::int64_t t, std::uint32_t cascade);
  void schedule_root(std::uint32_t cascade, std::uint32_t root);
  // Inlined into refill(), with the count and its table search: the calls' register saves
  // were ~25 instructions a like. rng is refill()'s copy of children_.
  [[gnu::always_inline]] inline void spawn_children(std::int64_t t, std::uint32_t cascade,
                                                    RandomStream& rng);
  [[gnu::always_inline]] inline std::uint32_t child_count(RandomStream& rng);
  void build_profile();
  void build_children_mixture();
  [[gnu::always_inline]] inline std::uint32_t search_children_cdf(double v) const;

  HawkesKernel kernel_;
  DelaySampler delays_;  // the children's delays
  CascadeSizes sizes_;
  double branching_;
  double mark_exponent_;  // -beta / alpha: m^beta = U^exponent for m ~ Pareto(alpha)
  double mark_norm_;      // n* / E[m^beta]
  bool marked_;
  // The CDF of a like's number of children, tabulated once. Unmarked: Poisson(n*). Marked:
  // the Poisson mixture over the likes whose U is at least mark_cut_ (lambda <= kMarkCutMean),
  // integrated numerically (error below 1e-12); the rarer likes of big accounts (U below the
  // cut) draw their Poisson(lambda) directly. Two pow()-like calls saved on ~99.7 % of likes.
  std::vector<double> children_cdf_;
  double mark_cut_ = 0;
  double mark_rest_inv_ = 1;  // 1 / (1 - mark_cut_)
  double ns_per_cascade_s_;   // 1e9 / rate_multiplier
  double cascade_gap_ns_;     // mean gap between cascade starts; 0 = none
  double first_cascade_s_;
  double cascades_per_s_;
  double rate_multiplier_;
  std::int64_t end_ns_;
  RandomStream arrivals_;
  RandomStream size_draws_;
  RandomStream direct_;
  RandomStream children_;
  RadixCalendar calendar_;
  std::vector<Root> roots_;
  std::vector<std::uint32_t> free_roots_;
  std::uint64_t likes_ = 0;
  std::uint32_t cascades_ = 0;
  std::size_t max_pending_ = 0;
  std::array<CascadeEvent, kBatch> ready_;  // ready_[ready_pos_, ready_size_) not yet returned
  std::size_t ready_pos_ = 0;
  std::size_t ready_size_ = 0;
  std::vector<double> profile_tau_;  // cascade seconds
  std::vector<double> profile_share_;
};

}  // namespace likesim
