// ChurnInjector: users who like, unlike and like again within seconds, on top of any workload.
//
// A `fraction` of the inner workload's likes is undone: an unlike of the same user and post
// after an exponential delay of mean unlike_after_s, and a `relike_fraction` of those is liked
// again after another exponential delay of mean relike_after_s. The follow-ups wait in a small
// min-heap and are merged in time order (on equal times the inner request goes first, then the
// follow-ups in the order they were made); those that would fall after the end of the run are
// dropped. Every request of the merged stream gets a fresh id, 1, 2, 3, ... (so wrap it before
// a RetryInjector, whose resends reuse ids). Each like takes the same draws whatever the
// outcome, so changing one fraction never moves another like's delays.
//
//   auto w = std::make_unique<ChurnInjector>(std::move(steady), config.churn, seed, 60s);
//   Request r;
//   while (w->next(r)) issue(r);   // r.id increasing; churned likes followed by their unlikes
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/core/random_stream.h"
#include "workloads/workload.h"

namespace likesim {

class ChurnInjector final : public Workload {
 public:
  ChurnInjector(std::unique_ptr<Workload> inner, const ChurnConfig& config, std::uint64_t seed,
                Duration duration);

  bool next(Request& out) override;
  double offered_rate_at(Time t) const override;
  double write_rate_at(Time t) const override;
  UserOrder user_order() const override { return inner_->user_order(); }

  // Follow-ups (unlikes and re-likes) emitted so far.
  std::uint64_t unlikes_made() const { return unlikes_made_; }
  std::uint64_t relikes_made() const { return relikes_made_; }

 private:
  struct FollowUp {
    Request r;
    std::uint64_t seq = 0;  // creation order: breaks ties between equal times
  };
  void push(const Request& r);
  // Share of the inner write rate the follow-ups add (a stationary estimate).
  double extra_share() const;

  std::unique_ptr<Workload> inner_;
  ChurnConfig config_;
  std::int64_t end_ns_;
  RandomStream rng_;
  Request inner_next_;
  bool inner_has_next_;
  std::vector<FollowUp> pending_;  // min-heap by (intended, seq)
  std::uint64_t seq_ = 0;
  RequestId next_id_ = 1;
  std::uint64_t unlikes_made_ = 0;
  std::uint64_t relikes_made_ = 0;
};

}  // namespace likesim
