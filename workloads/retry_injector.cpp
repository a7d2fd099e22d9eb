#include "workloads/retry_injector.h"

#include <algorithm>

namespace likesim {

namespace {

// std::push_heap builds a max-heap; "greater" puts the earliest resend on top. Ids break
// ties, so the order never depends on the heap's internals.
bool later(const Request& a, const Request& b) {
  return a.intended != b.intended ? a.intended > b.intended : a.id > b.id;
}

}  // namespace

RetryInjector::RetryInjector(std::unique_ptr<Workload> inner, double fraction, double mean_delay_ms,
                             std::uint64_t seed, Duration duration)
    : inner_(std::move(inner)),
      fraction_(std::clamp(fraction, 0.0, 1.0)),
      mean_delay_ns_(std::max(mean_delay_ms, 0.0) * 1e6),
      end_ns_(duration.count()),
      rng_(seed, "workload.retry"),
      inner_has_next_(inner_->next(inner_next_)) {
  resends_.reserve(1024);
}

bool RetryInjector::next(Request& out) {
  if (!resends_.empty() && (!inner_has_next_ || resends_.front().intended < inner_next_.intended)) {
    std::pop_heap(resends_.begin(), resends_.end(), later);
    out = resends_.back();
    resends_.pop_back();
    return true;
  }
  if (!inner_has_next_) return false;
  out = inner_next_;
  inner_has_next_ = inner_->next(inner_next_);
  if ((out.op == Op::like || out.op == Op::unlike) && rng_.bernoulli(fraction_)) {
    Request resend = out;
    resend.retry = true;
    resend.intended += Duration(static_cast<std::int64_t>(rng_.exponential(mean_delay_ns_)));
    if (resend.intended.count() < end_ns_) {
      resends_.push_back(resend);
      std::push_heap(resends_.begin(), resends_.end(), later);
    }
  }
  return true;
}

double RetryInjector::offered_rate_at(Time t) const {
  return inner_->offered_rate_at(t) + fraction_ * inner_->write_rate_at(t);
}

double RetryInjector::write_rate_at(Time t) const {
  return (1 + fraction_) * inner_->write_rate_at(t);
}

}  // namespace likesim
