// SteadyWorkload: the background traffic of a run — Poisson writes and reads over
// Zipf-popular posts.
//
// Writes (likes, and unlikes of recent likes) and reads (count, status, batch_count) arrive as
// two independent Poisson processes at writes_per_s and reads_per_s. Posts 1..posts are drawn
// Zipf(zipf_s) (post 1 the most popular), users uniformly from 1..users. Every random choice
// has its own named stream, so e.g. changing the read mix never moves a write.
//
// A flash crowd (FlashCrowdConfig) multiplies both rates by `factor` from at_s for for_s
// seconds (0 = to the end) by rescaling time: arrivals are drawn at the base rates on an
// operational clock u, and u runs `factor` times faster than real time inside the window. So
// every request before at_s is the one of the plain run, and the requests after it are the
// plain run's next ones, packed closer (the same posts, users and ops, in the same order).
//
//   SteadyWorkload w(config.steady, seed, 60s);
//   SteadyWorkload flash(config.steady, seed, 60s, FlashCrowdConfig{20, 5, 10});  // 5x at 20 s
//   Request r;
//   while (w.next(r)) issue(r);   // ids 1, 2, 3, ...; r.intended non-decreasing
#pragma once

#include <cstdint>

#include "engine/core/random_stream.h"
#include "workloads/recent_likes.h"
#include "workloads/workload.h"

namespace likesim {

class SteadyWorkload final : public Workload {
 public:
  // How many recent likes unlikes are drawn from.
  static constexpr std::size_t kRecentLikes = 65536;

  SteadyWorkload(const SteadyConfig& config, std::uint64_t seed, Duration duration,
                 const FlashCrowdConfig& flash = {});

  bool next(Request& out) override;
  double offered_rate_at(Time t) const override;
  double write_rate_at(Time t) const override;

 private:
  // Real time (ns) of operational time `u` (ns): the flash crowd's rescaling.
  double real_ns(double u) const;
  // The flash crowd's rate multiplier at real time t.
  double factor_at(Time t) const;
  void make_write(Request& out);
  void make_read(Request& out);
  UserId draw_user(RandomStream& rng) const {
    return static_cast<UserId>(rng.uniform_int(config_.users) + 1);
  }

  SteadyConfig config_;
  double end_ns_;
  // Flash crowd on real time [flash_at_ns_, flash_end_ns_) (an infinite end = to the end).
  double flash_at_ns_;
  double flash_end_ns_;
  double flash_factor_;
  double write_mean_ns_;  // mean gap between writes; 0 = no writes
  double read_mean_ns_;
  double next_write_ns_;  // operational time (see real_ns)
  double next_read_ns_;
  ZipfDistribution popularity_;
  RandomStream write_arrivals_;
  RandomStream read_arrivals_;
  RandomStream writes_;   // post, user, like or unlike
  RandomStream unlikes_;  // which recent like is undone
  RandomStream reads_;    // post, user, kind of read
  RecentLikes recent_;
  RequestId next_id_ = 1;
};

}  // namespace likesim
