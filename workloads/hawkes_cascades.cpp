#include "workloads/hawkes_cascades.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "workloads/poisson_draw.h"

namespace likesim {

namespace {

// About 16 likes per level-0 slot (measured best of 1 to 64): a slot holds little to sort, and
// wider slots mean fewer moves down the calendar's levels.
int auto_slot_bits(double likes_per_s) {
  if (!(likes_per_s > 0)) return 20;
  const double width_ns = 16e9 / likes_per_s;
  return std::clamp(static_cast<int>(std::floor(std::log2(std::max(width_ns, 1.0)))), 0, 30);
}

constexpr int kProfilePoints = 400;
// Likes with a Poisson mean above this (big accounts) draw their children directly.
constexpr double kMarkCutMean = 8;
constexpr int kMaxTabulatedChildren = 128;
// A root's likes are drawn a group of kernel pieces at a time, ~this many expected per group:
// few pending per root, and the group's Poisson draw shared by several likes.
constexpr double kRootGroupLikes = 8;

}  // namespace

HawkesCascades::HawkesCascades(const HawkesConfig& config, CascadeSizes sizes, std::uint64_t seed,
                               Duration duration, int slot_bits)
    : kernel_(HawkesKernel::from_config(config)),
      delays_(kernel_),
      sizes_(std::move(sizes)),
      branching_(std::clamp(config.branching, 0.0, 1.0)),
      marked_(config.mark_alpha > 0),
      ns_per_cascade_s_(1e9 / config.rate_multiplier),
      cascade_gap_ns_(config.cascades_per_s > 0 ? 1e9 / config.cascades_per_s : 0),
      first_cascade_s_(config.first_cascade_s),
      cascades_per_s_(config.cascades_per_s),
      rate_multiplier_(config.rate_multiplier),
      end_ns_(duration.count()),
      arrivals_(seed, "workload.hawkes.cascades"),
      size_draws_(seed, "workload.hawkes.sizes"),
      direct_(seed, "workload.hawkes.direct"),
      children_(seed, "workload.hawkes.children"),
      calendar_(slot_bits >= 0 ? slot_bits
                               : auto_slot_bits(config.cascades_per_s * sizes_.mean())) {
  // E[m^beta] = alpha / (alpha - beta) for m ~ Pareto(alpha) from 1 (beta < alpha: the loader
  // checks it).
  mark_exponent_ = marked_ ? -config.mark_beta / config.mark_alpha : 0;
  const double mean_mark = marked_ ? config.mark_alpha / (config.mark_alpha - config.mark_beta) : 1;
  mark_norm_ = branching_ / mean_mark;
  if (!marked_) {
    double p = std::exp(-branching_), cumulative = p;
    for (int k = 1; cumulative < 1 && k < 64; ++k) {
      children_cdf_.push_back(cumulative);
      p *= branching_ / k;
      cumulative += p;
    }
  } else {
    build_children_mixture();
  }
  // Past the last entry the count is the table's size; entries of 2 (> any uniform) pad the
  // table to the four entries search_children_cdf reads unconditionally.
  while (children_cdf_.size() < 4) children_cdf_.push_back(2.0);
  if (cascade_gap_ns_ > 0) {
    const double first = config.first_cascade_s * 1e9 + arrivals_.exponential(cascade_gap_ns_);
    if (first < static_cast<double>(end_ns_)) {
      calendar_.push({static_cast<std::int64_t>(first), tag(0, 0, kStart)});
    }
  }
  build_profile();
}

std::uint32_t HawkesCascades::child_count(RandomStream& rng) {
  if (marked_) {
    const double u = rng.uniform01_open_low();
    if (u < mark_cut_) {
      // m^beta = U^(-beta/alpha); exp2(log2) is a cheaper pow() (see HawkesKernel::power).
      // poisson_draw is not inlined: it draws from children_, so rng's address never escapes
      // and rng stays in registers.
      children_ = rng;
      const std::uint32_t n =
          poisson_draw(children_, mark_norm_ * std::exp2(mark_exponent_ * std::log2(u)));
      rng = children_;
      return n;
    }
    // Given U >= cut, (U - cut) / (1 - cut) is uniform: it picks from the table.
    return search_children_cdf((u - mark_cut_) * mark_rest_inv_);
  }
  return search_children_cdf(rng.uniform01());
}

// The first k with v < cdf[k]. Most counts are 0 to 3, and which is a coin toss, so those four
// are compared without branches (a mispredicted branch costs more than the compares).
std::uint32_t HawkesCascades::search_children_cdf(double v) const {
  const double* c = children_cdf_.data();
  std::uint32_t n = static_cast<std::uint32_t>(v >= c[0]) + static_cast<std::uint32_t>(v >= c[1]) +
                    static_cast<std::uint32_t>(v >= c[2]) + static_cast<std::uint32_t>(v >= c[3]);
  if (n == 4) {
    while (n < children_cdf_.size() && v >= c[n]) ++n;
  }
  return n;
}

void HawkesCascades::spawn_children(std::int64_t t, std::uint32_t cascade, RandomStream& rng) {
  const std::uint32_t n = child_count(rng);
  const double left_ns = static_cast<double>(end_ns_ - t);
  const std::uint64_t like_tag = tag(cascade, 0, kLike);
  for (std::uint32_t i = 0; i < n; ++i) {
    const double delay_ns = delays_.draw(rng) * ns_per_cascade_s_;
    if (delay_ns < left_ns) calendar_.push({t + static_cast<std::int64_t>(delay_ns), like_tag});
  }
}

bool HawkesCascades::refill() {
  // Copies in locals for the batch, so they live in registers (as members, any calendar store
  // might have changed them).
  RandomStream rng = children_;
  std::uint64_t likes = likes_;
  std::size_t max_pending = max_pending_;
  std::size_t n = 0;
  RadixCalendar::Entry e;
  while (n < kBatch && calendar_.pop(e)) {
    const auto kind = static_cast<Kind>(e.tag & 3);
    const auto cascade = static_cast<std::uint32_t>(e.tag >> 32);
    if (kind == kRoot) {  // the end of a root's group: its next one, no event
      schedule_root(cascade, static_cast<std::uint32_t>(e.tag >> 2) & 0x3fffffffu);
      continue;
    }
    ready_[n++] = CascadeEvent{e.time, cascade, kind == kStart};
    if (kind == kStart) {
      start_cascade(e.time, cascade);
    } else {
      ++likes;
      spawn_children(e.time, cascade, rng);
    }
    max_pending = std::max(max_pending, calendar_.size());
  }
  children_ = rng;
  likes_ = likes;
  max_pending_ = max_pending;
  ready_pos_ = 0;
  ready_size_ = n;
  return n > 0;
}

std::uint32_t HawkesCascades::draw_child_count() { return child_count(children_); }

void HawkesCascades::start_cascade(std::int64_t t, std::uint32_t cascade) {
  ++cascades_;
  std::uint32_t root;
  if (!free_roots_.empty()) {
    root = free_roots_.back();
    free_roots_.pop_back();
  } else {
    root = static_cast<std::uint32_t>(roots_.size());
    roots_.emplace_back();
  }
  const double total = sizes_.sample(size_draws_) * (1 - branching_);
  const double pieces = std::ceil(kRootGroupLikes * DelaySampler::kPieces / total);
  const auto group =
      static_cast<std::uint32_t>(std::clamp(pieces, 1.0, 1.0 * DelaySampler::kPieces));
  roots_[root] = Root{t, 0, group, total / DelaySampler::kPieces};
  schedule_root(cascade, root);
  const double next = static_cast<double>(t) + arrivals_.exponential(cascade_gap_ns_);
  if (next < static_cast<double>(end_ns_) && cascade != UINT32_MAX) {
    calendar_.push({static_cast<std::int64_t>(next), tag(cascade + 1, 0, kStart)});
  }
}

// The root's direct likes are a Poisson process of mean measure total * F(tau): over a group
// of the kernel's equal-mass pieces their count is Poisson(total * pieces / kPieces), and given
// the count they are independent, each in a uniformly chosen piece of the group, drawn there.
// The group's likes are pushed at once and the root waits for the group's end.
void HawkesCascades::schedule_root(std::uint32_t cascade, std::uint32_t root) {
  Root& r = roots_[root];
  const std::uint32_t first = r.next_piece;
  const std::uint32_t last = std::min<std::uint32_t>(first + r.group, DelaySampler::kPieces);
  const std::uint32_t n = poisson_draw(direct_, r.per_piece * (last - first));
  const double left_ns = static_cast<double>(end_ns_ - r.start_ns);
  const std::uint64_t like_tag = tag(cascade, 0, kLike);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto piece = first + static_cast<std::uint32_t>(direct_.uniform_int(last - first));
    const double delay_ns =
        delays_.draw_in(piece, direct_.uniform01(), direct_) * ns_per_cascade_s_;
    if (delay_ns < left_ns)
      calendar_.push({r.start_ns + static_cast<std::int64_t>(delay_ns), like_tag});
  }
  r.next_piece = last;
  if (last < DelaySampler::kPieces) {
    const double end_of_group_ns = delays_.piece_start(last) * ns_per_cascade_s_;
    if (end_of_group_ns < left_ns) {
      calendar_.push(
          {r.start_ns + static_cast<std::int64_t>(end_of_group_ns), tag(cascade, root, kRoot)});
      return;
    }
  }
  free_roots_.push_back(root);  // the root's last like was made (or is past the run's end)
}

// lambda(U) = mark_norm U^-gamma (gamma = beta / alpha) is at most kMarkCutMean for U >= cut.
// P(N = k | U >= cut) = E[Poisson(k; lambda(U)) | U >= cut], by Simpson's rule over log U (a
// smooth integrand; 8192 intervals put the error far below 1e-12).
void HawkesCascades::build_children_mixture() {
  const double gamma = -mark_exponent_;
  mark_cut_ = std::pow(mark_norm_ / kMarkCutMean, 1.0 / gamma);
  if (mark_cut_ >= 1) {  // every like is a big account: no table
    mark_cut_ = 2;
    return;
  }
  mark_rest_inv_ = 1.0 / (1.0 - mark_cut_);
  constexpr int kIntervals = 8192;
  const double w0 = std::log(mark_cut_), h = -w0 / kIntervals;
  std::vector<double> mass(kMaxTabulatedChildren, 0.0);
  for (int i = 0; i <= kIntervals; ++i) {
    const double w = w0 + i * h;
    const double u = std::exp(w);
    const double lambda = mark_norm_ * std::pow(u, -gamma);
    const double weight = (i == 0 || i == kIntervals ? 1 : (i % 2 ? 4 : 2)) * h / 3 * u;
    double p = std::exp(-lambda);
    for (int k = 0; k < kMaxTabulatedChildren; ++k) {
      mass[k] += weight * p;
      p *= lambda / (k + 1);
    }
  }
  double cumulative = 0;
  for (int k = 0; k < kMaxTabulatedChildren; ++k) {
    cumulative += mass[k] * mark_rest_inv_;
    if (cumulative >= 1 - 1e-15) break;
    children_cdf_.push_back(cumulative);
  }
}

// The expected share m(tau) of a cascade's likes by cascade time tau solves
// m = (1 - n*) F + n* (m * dF), a renewal equation. On a log grid, the convolution is a sum over
// m's increments, (m * dF)(tau_i) = sum_j (m_{j+1} - m_j) F(tau_i - mid_j); its last term holds
// m_i itself, so each step solves one linear equation. O(points^2) kernel CDFs, once.
void HawkesCascades::build_profile() {
  const double scale = kernel_.is_seismic() ? kernel_.s0() : kernel_.c();
  const double lo = std::min(scale, kernel_.horizon()) / 100;
  const double hi = kernel_.horizon() * 50;
  profile_tau_.assign(kProfilePoints, 0);
  profile_share_.assign(kProfilePoints, 0);
  const double ratio = std::pow(hi / lo, 1.0 / (kProfilePoints - 2));
  for (int i = 1; i < kProfilePoints; ++i) profile_tau_[i] = lo * std::pow(ratio, i - 1);
  const double n = branching_;
  for (int i = 1; i < kProfilePoints; ++i) {
    const double tau = profile_tau_[i];
    double sum = 0;
    for (int j = 0; j + 1 < i; ++j) {
      const double mid = 0.5 * (profile_tau_[j] + profile_tau_[j + 1]);
      sum += (profile_share_[j + 1] - profile_share_[j]) * kernel_.cdf(tau - mid);
    }
    const double a = kernel_.cdf(0.5 * (tau - profile_tau_[i - 1]));
    const double m =
        ((1 - n) * kernel_.cdf(tau) + n * (sum - profile_share_[i - 1] * a)) / (1 - n * a);
    profile_share_[i] = std::clamp(m, profile_share_[i - 1], 1.0);
  }
}

double HawkesCascades::expected_like_rate_at(double t_s) const {
  const double age = (t_s - first_cascade_s_) * rate_multiplier_;  // cascade seconds
  if (!(age > 0) || t_s * 1e9 >= static_cast<double>(end_ns_)) return 0;
  double share = profile_share_.back();
  const auto it = std::upper_bound(profile_tau_.begin(), profile_tau_.end(), age);
  if (it != profile_tau_.end()) {
    const std::size_t i = static_cast<std::size_t>(it - profile_tau_.begin());
    const double w = (age - profile_tau_[i - 1]) / (profile_tau_[i] - profile_tau_[i - 1]);
    share = profile_share_[i - 1] + w * (profile_share_[i] - profile_share_[i - 1]);
  }
  return cascades_per_s_ * sizes_.mean() * share;
}

std::size_t HawkesCascades::memory_bytes() const {
  return calendar_.memory_bytes() + roots_.capacity() * sizeof(Root) +
         free_roots_.capacity() * sizeof(std::uint32_t);
}

}  // namespace likesim
