#include "workloads/hawkes_kernel.h"

#include <algorithm>

namespace likesim {

HawkesKernel HawkesKernel::seismic(double c, double s0, double theta, double horizon_s) {
  HawkesKernel k;
  k.seismic_ = true;
  k.c_ = c;
  k.s0_ = s0;
  k.theta_ = theta;
  k.horizon_ = horizon_s;
  k.neg_inv_theta_ = -1.0 / theta;
  k.plateau_mass_ = c * std::min(s0, horizon_s);
  k.tail_scale_ = theta / (c * s0);
  k.mass_ = k.plateau_mass_;
  if (horizon_s > s0) k.mass_ += c * s0 / theta * (1.0 - std::pow(horizon_s / s0, -theta));
  return k;
}

HawkesKernel HawkesKernel::power_law(double c, double theta, double horizon_s) {
  HawkesKernel k;
  k.seismic_ = false;
  k.c_ = c;
  k.theta_ = theta;
  k.horizon_ = horizon_s;
  k.neg_inv_theta_ = -1.0 / theta;
  k.mass_ = 1.0 - std::pow(c / (horizon_s + c), theta);
  return k;
}

HawkesKernel HawkesKernel::from_config(const HawkesConfig& config) {
  if (config.kernel == "power_law") {
    return power_law(config.power_law_c_s, config.power_law_theta, config.horizon_s);
  }
  return seismic(config.seismic_c, config.seismic_s0_s, config.seismic_theta, config.horizon_s);
}

double HawkesKernel::pdf(double s) const {
  if (s < 0 || s > horizon_) return 0;
  if (seismic_) {
    const double phi = s <= s0_ ? c_ : c_ * std::pow(s / s0_, -(1.0 + theta_));
    return phi / mass_;
  }
  return theta_ * std::pow(c_, theta_) * std::pow(s + c_, -(1.0 + theta_)) / mass_;
}

double HawkesKernel::cdf(double s) const {
  if (s <= 0) return 0;
  if (s >= horizon_) return 1;
  if (seismic_) {
    if (s <= s0_) return c_ * s / mass_;
    return (plateau_mass_ + c_ * s0_ / theta_ * (1.0 - std::pow(s / s0_, -theta_))) / mass_;
  }
  return (1.0 - std::pow(c_ / (s + c_), theta_)) / mass_;
}

}  // namespace likesim
