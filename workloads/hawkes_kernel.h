// HawkesKernel: the memory kernel of a like cascade, as a probability density of the delay
// between a like and each like it provokes, truncated at a horizon and renormalised there.
//
// Two published shapes. SEISMIC (Zhao et al., KDD 2015): phi(s) = c for s <= s0,
// c (s/s0)^-(1+theta) after; its c (6.265725e-4 /s) makes the untruncated kernel a density
// and cancels out here. The shifted power law of Mishra et al. (CIKM 2016):
// phi(s) ~ (s + c)^-(1+theta). Both have a closed-form CDF and inverse CDF, so a delay costs
// one uniform and at most one pow(). DelaySampler cuts the kernel into equal-mass pieces with
// it and draws HawkesCascades' delays cheaper.
//
//   HawkesKernel k = HawkesKernel::seismic(6.265725e-4, 300, 0.2314843, 7 * 86400.0);
//   double s = k.inverse_cdf(rng.uniform01());   // seconds after the parent, in [0, horizon]
//   k.cdf(3600);                                  // share of the children within an hour
#pragma once

#include <cmath>

#include "workloads/workload_config.h"

namespace likesim {

class HawkesKernel {
 public:
  // c: the plateau (per second); s0: where the power law starts (s); theta > 0.
  static HawkesKernel seismic(double c, double s0, double theta, double horizon_s);
  // c: the shift (s); theta > 0.
  static HawkesKernel power_law(double c, double theta, double horizon_s);
  // The kernel a [workload.hawkes] table names.
  static HawkesKernel from_config(const HawkesConfig& config);

  // Density of a delay s (seconds); 0 outside [0, horizon].
  double pdf(double s) const;
  // P(delay <= s).
  double cdf(double s) const;
  // The delay with cdf(s) = u, for u in [0, 1]; exact (closed form), so drawn delays have
  // exactly this distribution up to rounding.
  double inverse_cdf(double u) const {
    if (seismic_) {
      const double v = u * mass_;  // unnormalised mass below the delay
      if (v <= plateau_mass_) return v / c_;
      // (s/s0)^-theta = 1 - (v - c s0) theta / (c s0)
      return s0_ * power(1.0 - (v - plateau_mass_) * tail_scale_);
    }
    return c_ * (power(1.0 - u * mass_) - 1.0);
  }

  bool is_seismic() const { return seismic_; }
  double c() const { return c_; }
  double s0() const { return s0_; }
  double theta() const { return theta_; }
  double horizon() const { return horizon_; }

 private:
  HawkesKernel() = default;
  // x^(-1/theta) for x in (0, 1]: exp2 and log2 cost about 3/4 of a pow() and agree with it
  // to a few ulp.
  double power(double x) const { return std::exp2(neg_inv_theta_ * std::log2(x)); }

  bool seismic_ = true;
  double c_ = 0;
  double s0_ = 0;
  double theta_ = 1;
  double horizon_ = 0;
  double neg_inv_theta_ = -1;
  // seismic: mass_ = integral of phi over [0, horizon], plateau_mass_ = c min(s0, horizon),
  // tail_scale_ = theta / (c s0). power_law: mass_ = the untruncated CDF at the horizon.
  double mass_ = 1;
  double plateau_mass_ = 0;
  double tail_scale_ = 0;
};

}  // namespace likesim
