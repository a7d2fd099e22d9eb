#include "workloads/steady_workload.h"

#include <algorithm>
#include <limits>

namespace likesim {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

double mean_gap_ns(double per_s) { return per_s > 0 ? 1e9 / per_s : 0; }

}  // namespace

SteadyWorkload::SteadyWorkload(const SteadyConfig& config, std::uint64_t seed, Duration duration,
                               const FlashCrowdConfig& flash)
    : config_(config),
      end_ns_(static_cast<double>(duration.count())),
      flash_at_ns_(flash.factor != 1 ? std::max(flash.at_s, 0.0) * 1e9 : kNever),
      flash_end_ns_(flash.for_s > 0 ? flash_at_ns_ + flash.for_s * 1e9 : kNever),
      flash_factor_(std::max(flash.factor, 0.0)),
      write_mean_ns_(mean_gap_ns(config.writes_per_s)),
      read_mean_ns_(mean_gap_ns(config.reads_per_s)),
      popularity_(std::max<std::uint32_t>(config.posts, 1), config.zipf_s > 0 ? config.zipf_s : 1),
      write_arrivals_(seed, "workload.steady.write_arrivals"),
      read_arrivals_(seed, "workload.steady.read_arrivals"),
      writes_(seed, "workload.steady.writes"),
      unlikes_(seed, "workload.steady.unlikes"),
      reads_(seed, "workload.steady.reads"),
      recent_(kRecentLikes) {
  config_.posts = std::max<std::uint32_t>(config_.posts, 1);
  config_.users = std::max<std::uint32_t>(config_.users, 1);
  config_.batch_size = std::clamp(config_.batch_size, 1, kMaxBatchPosts);
  next_write_ns_ = write_mean_ns_ > 0 ? write_arrivals_.exponential(write_mean_ns_) : kNever;
  next_read_ns_ = read_mean_ns_ > 0 ? read_arrivals_.exponential(read_mean_ns_) : kNever;
}

double SteadyWorkload::real_ns(double u) const {
  if (u < flash_at_ns_ || u == kNever) return u;
  const double into = u - flash_at_ns_;
  if (flash_factor_ <= 0) {
    // A factor of 0 stops the operational clock for the window: nothing arrives inside it.
    return flash_end_ns_ == kNever ? kNever : flash_end_ns_ + into;
  }
  // Inside the window operational time runs `factor` times faster.
  const double window_u = (flash_end_ns_ - flash_at_ns_) * flash_factor_;  // inf: no end
  if (into < window_u) return flash_at_ns_ + into / flash_factor_;
  return flash_end_ns_ + (into - window_u);
}

double SteadyWorkload::factor_at(Time t) const {
  const auto ns = static_cast<double>(t.count());
  return ns >= flash_at_ns_ && ns < flash_end_ns_ ? flash_factor_ : 1.0;
}

bool SteadyWorkload::next(Request& out) {
  // Writes first on (vanishingly unlikely) equal times: a fixed order keeps runs identical.
  // The rescaling is monotonic, so the order on the operational clock is the real order.
  const bool write = next_write_ns_ <= next_read_ns_;
  const double t = real_ns(write ? next_write_ns_ : next_read_ns_);
  if (!(t < end_ns_)) return false;
  out = Request{};
  out.intended = Time(static_cast<std::int64_t>(t));
  out.id = next_id_++;
  if (write) {
    make_write(out);
    next_write_ns_ += write_arrivals_.exponential(write_mean_ns_);
  } else {
    make_read(out);
    next_read_ns_ += read_arrivals_.exponential(read_mean_ns_);
  }
  return true;
}

void SteadyWorkload::make_write(Request& out) {
  // Always the same draws per write, whatever the outcome, so one choice never shifts the next.
  const bool unlike = writes_.bernoulli(config_.unlike_fraction);
  const auto post = static_cast<PostId>(popularity_.sample(writes_));
  const UserId user = draw_user(writes_);
  if (unlike && recent_.take_random(unlikes_, out.post, out.user)) {
    out.op = Op::unlike;
    return;
  }
  out.op = Op::like;
  out.post = post;
  out.user = user;
  recent_.add(post, user);
}

void SteadyWorkload::make_read(Request& out) {
  const double kind = reads_.uniform01();
  const auto post = static_cast<PostId>(popularity_.sample(reads_));
  out.user = draw_user(reads_);
  if (kind < config_.status_fraction) {
    out.op = Op::status;
    out.post = post;
  } else if (kind < config_.status_fraction + config_.batch_fraction) {
    // The page of batch_size consecutive posts holding `post`, kept inside 1..posts.
    const std::uint32_t size = std::min<std::uint32_t>(config_.batch_size, config_.posts);
    PostId first = (post - 1) / size * size + 1;
    if (first + size - 1 > config_.posts) first = config_.posts - size + 1;
    out.op = Op::batch_count;
    out.post = first;
    out.batch = static_cast<std::uint8_t>(size);
  } else {
    out.op = Op::count;
    out.post = post;
  }
}

double SteadyWorkload::offered_rate_at(Time t) const {
  if (t.count() < 0 || static_cast<double>(t.count()) >= end_ns_) return 0;
  return (config_.writes_per_s + config_.reads_per_s) * factor_at(t);
}

double SteadyWorkload::write_rate_at(Time t) const {
  if (t.count() < 0 || static_cast<double>(t.count()) >= end_ns_) return 0;
  return config_.writes_per_s * factor_at(t);
}

}  // namespace likesim
