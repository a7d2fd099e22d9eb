#include "engine/calibrate/calibration_math.h"

#include <algorithm>
#include <cmath>

#include "engine/backends/sim/service_time.h"

namespace likesim {

std::vector<double> quantiles_at_points(std::vector<double> samples) {
  std::vector<double> out;
  if (samples.empty()) return out;
  std::sort(samples.begin(), samples.end());
  const double last = static_cast<double>(samples.size() - 1);
  for (const double p : sim::kQuantilePoints) {
    const double h = last * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, samples.size() - 1);
    out.push_back(samples[lo] + (h - static_cast<double>(lo)) * (samples[hi] - samples[lo]));
  }
  return out;
}

std::vector<double> shifted_quantiles(std::span<const double> q, double minus) {
  std::vector<double> out;
  for (const double v : q) out.push_back(std::max(0.0, v - minus));
  return out;
}

std::vector<double> difference_quantiles(std::span<const double> longer,
                                         std::span<const double> round_trip) {
  std::vector<double> out;
  for (std::size_t i = 0; i < longer.size() && i < round_trip.size(); ++i) {
    double v = std::max(0.0, longer[i] - round_trip[i]);
    if (!out.empty()) v = std::max(v, out.back());
    out.push_back(v);
  }
  return out;
}

double wal_flush_us(double insert_sync_us, double insert_async_us) {
  return std::max(0.0, insert_sync_us - insert_async_us);
}

double commit_cpu_us(double autocommit_insert_us, double in_transaction_insert_us) {
  return std::max(0.0, autocommit_insert_us - in_transaction_insert_us);
}

double count_per_row_ns(double count_empty_us, double count_full_us, int rows) {
  if (rows <= 0) return 0;
  return std::max(0.0, (count_full_us - count_empty_us) * 1000.0 / rows);
}

double request_overhead_us(double knee_per_s, double command_us) {
  if (knee_per_s <= 0) return 0;
  return std::max(0.0, 1e6 / knee_per_s - command_us);
}

double iteration_overhead_us(double cpu_s, std::size_t requests, double per_request_us) {
  if (requests == 0 || !(cpu_s > 0)) return 0;
  return std::max(0.0, cpu_s * 1e6 / static_cast<double>(requests) - per_request_us);
}

bool served_in_random_order(std::span<const double> p99_to_mean) {
  if (p99_to_mean.empty()) return false;
  double sum = 0;
  for (const double r : p99_to_mean) sum += r;
  return sum / static_cast<double>(p99_to_mean.size()) > (1.0 + 4.6) / 2;
}

double median_of_three(double a, double b, double c) {
  return std::max(std::min(a, b), std::min(std::max(a, b), c));
}

}  // namespace likesim
