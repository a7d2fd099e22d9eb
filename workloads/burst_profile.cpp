#include "workloads/burst_profile.h"

#include <cmath>
#include <limits>

namespace likesim {

BurstProfile::BurstProfile(double start_s, double ramp_s, double hold_s, double decay_s,
                           double peak_per_s)
    : start_s_(start_s),
      ramp_s_(ramp_s > 0 ? ramp_s : 0),
      hold_s_(hold_s > 0 ? hold_s : 0),
      decay_s_(decay_s > 0 ? decay_s : 0),
      peak_(peak_per_s > 0 ? peak_per_s : 0) {
  ramp_total_ = peak_ * ramp_s_ / 2;
  hold_total_ = ramp_total_ + peak_ * hold_s_;
  total_ = hold_total_ + peak_ * decay_s_;
}

double BurstProfile::rate_at(double t_s) const {
  double u = t_s - start_s_;
  if (u < 0 || peak_ == 0) return 0;
  if (u < ramp_s_) return peak_ * u / ramp_s_;
  u -= ramp_s_;
  if (u < hold_s_) return peak_;
  u -= hold_s_;
  return decay_s_ > 0 ? peak_ * std::exp(-u / decay_s_) : 0;
}

double BurstProfile::cumulative(double t_s) const {
  double u = t_s - start_s_;
  if (u <= 0 || peak_ == 0) return 0;
  if (u < ramp_s_) return peak_ * u * u / (2 * ramp_s_);
  u -= ramp_s_;
  if (u < hold_s_) return ramp_total_ + peak_ * u;
  u -= hold_s_;
  if (decay_s_ == 0) return hold_total_;
  return hold_total_ + peak_ * decay_s_ * -std::expm1(-u / decay_s_);
}

double BurstProfile::time_at(double lambda) const {
  constexpr double kNever = std::numeric_limits<double>::infinity();
  if (lambda >= total_) return kNever;
  if (lambda <= 0) return start_s_;
  if (lambda < ramp_total_) return start_s_ + std::sqrt(2 * ramp_s_ * lambda / peak_);
  if (lambda < hold_total_) return start_s_ + ramp_s_ + (lambda - ramp_total_) / peak_;
  const double left = (lambda - hold_total_) / (peak_ * decay_s_);  // in [0, 1)
  return start_s_ + ramp_s_ + hold_s_ - decay_s_ * std::log1p(-left);
}

}  // namespace likesim
