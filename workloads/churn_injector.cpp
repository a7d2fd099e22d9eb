#include "workloads/churn_injector.h"

#include <algorithm>

namespace likesim {
namespace {

constexpr double kNsPerS = 1e9;

// std::push_heap builds a max-heap; "later" puts the earliest follow-up on top.
template <class F>
bool later(const F& a, const F& b) {
  return a.r.intended != b.r.intended ? a.r.intended > b.r.intended : a.seq > b.seq;
}

}  // namespace

ChurnInjector::ChurnInjector(std::unique_ptr<Workload> inner, const ChurnConfig& config,
                             std::uint64_t seed, Duration duration)
    : inner_(std::move(inner)),
      config_(config),
      end_ns_(duration.count()),
      rng_(seed, "workload.churn"),
      inner_has_next_(inner_->next(inner_next_)) {
  config_.fraction = std::clamp(config_.fraction, 0.0, 1.0);
  config_.relike_fraction = std::clamp(config_.relike_fraction, 0.0, 1.0);
  pending_.reserve(1024);
}

void ChurnInjector::push(const Request& r) {
  pending_.push_back(FollowUp{r, seq_++});
  std::push_heap(pending_.begin(), pending_.end(), later<FollowUp>);
}

bool ChurnInjector::next(Request& out) {
  if (!pending_.empty() &&
      (!inner_has_next_ || pending_.front().r.intended < inner_next_.intended)) {
    std::pop_heap(pending_.begin(), pending_.end(), later<FollowUp>);
    out = pending_.back().r;
    pending_.pop_back();
    out.id = next_id_++;
    if (out.op == Op::unlike) {
      ++unlikes_made_;
    } else {
      ++relikes_made_;
    }
    return true;
  }
  if (!inner_has_next_) return false;
  out = inner_next_;
  inner_has_next_ = inner_->next(inner_next_);
  out.id = next_id_++;
  if (out.op == Op::like && !out.retry) {
    // Always four draws per like, whatever they decide.
    const bool churns = rng_.bernoulli(config_.fraction);
    const double unlike_after = rng_.exponential(config_.unlike_after_s * kNsPerS);
    const bool relikes = rng_.bernoulli(config_.relike_fraction);
    const double relike_after = rng_.exponential(config_.relike_after_s * kNsPerS);
    if (churns) {
      Request unlike = out;
      unlike.op = Op::unlike;
      unlike.intended += Duration(static_cast<std::int64_t>(unlike_after));
      if (unlike.intended.count() < end_ns_) {
        push(unlike);
        if (relikes) {
          Request relike = unlike;
          relike.op = Op::like;
          relike.intended += Duration(static_cast<std::int64_t>(relike_after));
          if (relike.intended.count() < end_ns_) push(relike);
        }
      }
    }
  }
  return true;
}

double ChurnInjector::extra_share() const {
  return config_.fraction * (1 + config_.relike_fraction);
}

double ChurnInjector::offered_rate_at(Time t) const {
  return inner_->offered_rate_at(t) + extra_share() * inner_->write_rate_at(t);
}

double ChurnInjector::write_rate_at(Time t) const {
  return (1 + extra_share()) * inner_->write_rate_at(t);
}

}  // namespace likesim
