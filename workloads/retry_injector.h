// RetryInjector: client retries on top of any workload.
//
// A client whose like or unlike timed out sends it again with the same request id, so a
// strategy that is not idempotent per id may count it twice (DESIGN.md §5). With probability
// `fraction` each like/unlike of the inner workload is resent once — same id, post, user and
// op, `retry = true` — after an exponential delay of mean `mean_delay_ms`. Resends wait in a
// small min-heap and are merged into the stream in time order (on equal times the inner
// request goes first). Resends that would fall after the end of the run are dropped.
//
//   auto w = std::make_unique<RetryInjector>(make_steady(...), 0.01, 200.0, seed, 60s);
//   Request r;
//   while (w->next(r)) issue(r);   // r.retry marks a resend of an earlier r.id
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/core/random_stream.h"
#include "workloads/workload.h"

namespace likesim {

class RetryInjector final : public Workload {
 public:
  RetryInjector(std::unique_ptr<Workload> inner, double fraction, double mean_delay_ms,
                std::uint64_t seed, Duration duration);

  bool next(Request& out) override;
  double offered_rate_at(Time t) const override;
  double write_rate_at(Time t) const override;
  UserOrder user_order() const override { return inner_->user_order(); }

 private:
  std::unique_ptr<Workload> inner_;
  double fraction_;
  double mean_delay_ns_;
  std::int64_t end_ns_;
  RandomStream rng_;
  Request inner_next_;
  bool inner_has_next_;
  std::vector<Request> resends_;  // min-heap by (intended, id)
};

}  // namespace likesim
