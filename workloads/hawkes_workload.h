// HawkesWorkload: many posts going viral at once, in self-exciting cascades, over the steady
// background (kind = "hawkes").
//
// The likes come from HawkesCascades: cascade k is post first_post + k (first_post = posts + 1
// unless set, so viral posts sit outside the background's), and every like is from a distinct
// user (a UserPermutation of one counter over all cascades). Each like is followed by
// Poisson(reads_per_like) count reads of its post, each after an exponential delay of mean
// kReadDelayS (viewers who see the like and the count), by users drawn uniformly. All three
// streams are merged in time order with a SteadyWorkload (the same traffic as a steady run of
// the same seed, flash crowd included) and ids are renumbered 1, 2, 3, ... over the merged stream.
//
//   HawkesWorkload w(config.steady, config.hawkes, seed, 60s);   // throws on a bad sizes_file
//   Request r;
//   while (w.next(r)) issue(r);
//   w.first_post();   // the first viral post
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/random_stream.h"
#include "engine/model/user_permutation.h"
#include "workloads/hawkes_cascades.h"
#include "workloads/steady_workload.h"
#include "workloads/workload.h"

namespace likesim {

class HawkesWorkload final : public Workload {
 public:
  static constexpr double kReadDelayS = 0.5;

  HawkesWorkload(const SteadyConfig& steady, const HawkesConfig& hawkes, std::uint64_t seed,
                 Duration duration, const FlashCrowdConfig& flash = {});

  bool next(Request& out) override;
  // The background's rate plus (1 + reads_per_like) times the expected like rate (the read
  // delay is ignored: it shifts the reads by half a second).
  double offered_rate_at(Time t) const override;
  double write_rate_at(Time t) const override;
  UserOrder user_order() const override { return UserOrder::by_rank(fans_); }

  PostId first_post() const { return first_post_; }
  const HawkesCascades& cascades() const { return cascades_; }

 private:
  struct PendingRead {
    std::int64_t time_ns;
    std::uint64_t seq;  // ties in time go in the order the reads were made
    PostId post;
  };
  static bool later(const PendingRead& a, const PendingRead& b) {
    return a.time_ns > b.time_ns || (a.time_ns == b.time_ns && a.seq > b.seq);
  }
  void advance_like();

  SteadyWorkload background_;
  Request background_next_;
  bool background_has_next_;
  HawkesCascades cascades_;
  CascadeEvent like_next_;
  bool like_has_next_ = false;
  PostId first_post_;
  double reads_per_like_;
  std::int64_t end_ns_;
  RandomStream read_counts_;
  RandomStream readers_;
  UserPermutation fans_;
  std::uint32_t users_;
  std::uint64_t fans_so_far_ = 0;
  std::vector<PendingRead> reads_;  // a min-heap by (time, seq)
  std::uint64_t read_seq_ = 0;
  RequestId next_id_ = 1;
};

}  // namespace likesim
