#include "workloads/celebrity_workload.h"

#include <algorithm>
#include <limits>

namespace likesim {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

PostId hot_post_of(const SteadyConfig& steady, const CelebrityConfig& celebrity) {
  return celebrity.post != 0 ? celebrity.post : std::max<std::uint32_t>(steady.posts, 1) + 1;
}

}  // namespace

CelebrityWorkload::CelebrityWorkload(const SteadyConfig& steady, const CelebrityConfig& celebrity,
                                     std::uint64_t seed, Duration duration,
                                     const FlashCrowdConfig& flash)
    : background_(steady, seed, duration, flash),
      background_has_next_(background_.next(background_next_)),
      profile_(celebrity.start_s, celebrity.ramp_s, celebrity.hold_s, celebrity.decay_s,
               celebrity.peak_likes_per_s),
      reads_per_like_(std::max(celebrity.reads_per_like, 0.0)),
      end_ns_(static_cast<double>(duration.count())),
      hot_post_(hot_post_of(steady, celebrity)),
      like_arrivals_(seed, "workload.celebrity.like_arrivals"),
      read_arrivals_(seed, "workload.celebrity.read_arrivals"),
      readers_(seed, "workload.celebrity.readers"),
      fans_(mix64(seed ^ fnv1a("workload.celebrity.fans")),
            std::max<std::uint32_t>(steady.users, 1)),
      users_(std::max<std::uint32_t>(steady.users, 1)) {
  advance_hot_like();
  advance_hot_read();
}

void CelebrityWorkload::advance_hot_like() {
  like_lambda_ += like_arrivals_.exponential(1.0);
  next_like_ns_ = profile_.time_at(like_lambda_) * 1e9;
}

void CelebrityWorkload::advance_hot_read() {
  if (reads_per_like_ <= 0) {
    next_read_ns_ = kNever;
    return;
  }
  read_lambda_ += read_arrivals_.exponential(1.0) / reads_per_like_;
  next_read_ns_ = profile_.time_at(read_lambda_) * 1e9;
}

bool CelebrityWorkload::next(Request& out) {
  const double background_ns =
      background_has_next_ ? static_cast<double>(background_next_.intended.count()) : kNever;
  // Compare on the integer times the requests will carry; on a tie: background, like, read.
  const auto tick = [](double ns) {
    return ns < 9e18 ? static_cast<std::int64_t>(ns) : std::numeric_limits<std::int64_t>::max();
  };
  const std::int64_t b = tick(background_ns), l = tick(next_like_ns_), r = tick(next_read_ns_);
  const std::int64_t t = std::min({b, l, r});
  if (!(static_cast<double>(t) < end_ns_)) return false;
  if (t == b) {
    out = background_next_;
    out.id = next_id_++;
    background_has_next_ = background_.next(background_next_);
    return true;
  }
  out = Request{};
  out.intended = Time(t);
  out.id = next_id_++;
  out.post = hot_post_;
  if (t == l) {
    out.op = Op::like;
    // A distinct fan per like while fans last; after `users` likes the same users come again.
    out.user = fans_(static_cast<std::uint32_t>(fans_so_far_++ % users_)) + 1;
    advance_hot_like();
  } else {
    out.op = Op::count;
    out.user = static_cast<UserId>(readers_.uniform_int(users_) + 1);
    advance_hot_read();
  }
  return true;
}

double CelebrityWorkload::offered_rate_at(Time t) const {
  if (t.count() < 0 || static_cast<double>(t.count()) >= end_ns_) return 0;
  return background_.offered_rate_at(t) + (1 + reads_per_like_) * profile_.rate_at(to_seconds(t));
}

double CelebrityWorkload::write_rate_at(Time t) const {
  if (t.count() < 0 || static_cast<double>(t.count()) >= end_ns_) return 0;
  return background_.write_rate_at(t) + profile_.rate_at(to_seconds(t));
}

}  // namespace likesim
