// SteadyWorkload: the background traffic of a run — Poisson writes and reads over
// Zipf-popular posts.
//
// Writes (likes, and unlikes of recent likes) and reads (count, status, batch_count) arrive as
// two independent Poisson processes at writes_per_s and reads_per_s. Posts 1..posts are drawn
// Zipf(zipf_s) (post 1 the most popular), users uniformly from 1..users. Every random choice
// has its own named stream, so e.g. changing the read mix never moves a write.
//
//   SteadyWorkload w(config.steady, seed, 60s);
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

  SteadyWorkload(const SteadyConfig& config, std::uint64_t seed, Duration duration);

  bool next(Request& out) override;
  double offered_rate_at(Time t) const override;
  double write_rate_at(Time t) const override;

 private:
  void make_write(Request& out);
  void make_read(Request& out);
  UserId draw_user(RandomStream& rng) const {
    return static_cast<UserId>(rng.uniform_int(config_.users) + 1);
  }

  SteadyConfig config_;
  double end_ns_;
  double write_mean_ns_;  // mean gap between writes; 0 = no writes
  double read_mean_ns_;
  double next_write_ns_;
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
