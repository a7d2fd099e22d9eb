#include "workloads/hawkes_workload.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "workloads/poisson_draw.h"

namespace likesim {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

CascadeSizes sizes_or_throw(const HawkesConfig& hawkes) {
  absl::StatusOr<CascadeSizes> sizes = CascadeSizes::from_config(hawkes);
  // The scenario loader has read the file already, so this is a file changed under a run.
  if (!sizes.ok()) throw std::runtime_error(std::string(sizes.status().message()));
  return *std::move(sizes);
}

PostId first_post_of(const SteadyConfig& steady, const HawkesConfig& hawkes) {
  return hawkes.first_post != 0 ? hawkes.first_post : std::max<std::uint32_t>(steady.posts, 1) + 1;
}

}  // namespace

HawkesWorkload::HawkesWorkload(const SteadyConfig& steady, const HawkesConfig& hawkes,
                               std::uint64_t seed, Duration duration, const FlashCrowdConfig& flash)
    : background_(steady, seed, duration, flash),
      background_has_next_(background_.next(background_next_)),
      cascades_(hawkes, sizes_or_throw(hawkes), seed, duration),
      first_post_(first_post_of(steady, hawkes)),
      reads_per_like_(std::max(hawkes.reads_per_like, 0.0)),
      end_ns_(duration.count()),
      read_counts_(seed, "workload.hawkes.reads"),
      readers_(seed, "workload.hawkes.readers"),
      fans_(mix64(seed ^ fnv1a("workload.hawkes.fans")), std::max<std::uint32_t>(steady.users, 1)),
      users_(std::max<std::uint32_t>(steady.users, 1)) {
  advance_like();
}

void HawkesWorkload::advance_like() {
  do {
    like_has_next_ = cascades_.next(like_next_);
  } while (like_has_next_ && like_next_.start);
}

bool HawkesWorkload::next(Request& out) {
  const std::int64_t b = background_has_next_ ? background_next_.intended.count() : kNever;
  const std::int64_t l = like_has_next_ ? like_next_.time_ns : kNever;
  const std::int64_t r = reads_.empty() ? kNever : reads_.front().time_ns;
  const std::int64_t t = std::min({b, l, r});
  if (t >= end_ns_) return false;
  // On a tie: background, like, read.
  if (t == b) {
    out = background_next_;
    out.id = next_id_++;
    background_has_next_ = background_.next(background_next_);
    return true;
  }
  out = Request{};
  out.intended = Time(t);
  out.id = next_id_++;
  if (t == l) {
    out.op = Op::like;
    out.post = first_post_ + like_next_.cascade;
    // A distinct fan per like while fans last; after `users` likes the same users come again.
    out.user = fans_(static_cast<std::uint32_t>(fans_so_far_++ % users_)) + 1;
    const std::uint32_t n = reads_per_like_ > 0 ? poisson_draw(read_counts_, reads_per_like_) : 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const double at = static_cast<double>(t) + read_counts_.exponential(kReadDelayS * 1e9);
      if (at >= static_cast<double>(end_ns_)) continue;
      reads_.push_back({static_cast<std::int64_t>(at), read_seq_++, out.post});
      std::push_heap(reads_.begin(), reads_.end(), later);
    }
    advance_like();
    return true;
  }
  std::pop_heap(reads_.begin(), reads_.end(), later);
  out.op = Op::count;
  out.post = reads_.back().post;
  out.user = static_cast<UserId>(readers_.uniform_int(users_) + 1);
  reads_.pop_back();
  return true;
}

double HawkesWorkload::offered_rate_at(Time t) const {
  if (t.count() < 0 || t.count() >= end_ns_) return 0;
  return background_.offered_rate_at(t) +
         (1 + reads_per_like_) * cascades_.expected_like_rate_at(to_seconds(t));
}

double HawkesWorkload::write_rate_at(Time t) const {
  if (t.count() < 0 || t.count() >= end_ns_) return 0;
  return background_.write_rate_at(t) + cascades_.expected_like_rate_at(to_seconds(t));
}

}  // namespace likesim
