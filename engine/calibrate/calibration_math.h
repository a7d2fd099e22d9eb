// The arithmetic that turns `likesim calibrate`'s raw measurements into costs, apart from the
// measuring so it can be tested on numbers worked out by hand.
//
//   std::vector<double> q = quantiles_at_points(samples);  // at sim::kQuantilePoints
//   double wal = wal_flush_us(330.0, 45.0);               // 285 µs
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace likesim {

// Sample quantiles at each of sim::kQuantilePoints (min ... max), by linear interpolation
// between order statistics: q(p) = x[h] + (h - floor h) (x[h+1] - x[h]) with h = (n-1) p
// (Hyndman and Fan's type 7, R's and NumPy's default). Empty samples: empty result.
std::vector<double> quantiles_at_points(std::vector<double> samples);

// A latency distribution's quantiles minus a fixed part (e.g. a round trip's server time),
// floored at 0: the spread stays with the remainder.
std::vector<double> shifted_quantiles(std::span<const double> q, double minus);

// Quantiles of a longer latency minus those of its round trip at the same points (each floored
// at 0, then made non-decreasing): the service-time spread, assuming the two move together.
std::vector<double> difference_quantiles(std::span<const double> longer,
                                         std::span<const double> round_trip);

// The WAL flush a commit waits for with synchronous_commit = on: the same insert on and off.
double wal_flush_us(double insert_sync_us, double insert_async_us);

// The commit's CPU: an insert in its own transaction minus one inside an open transaction
// (both synchronous_commit = off, so no flush is waited for).
double commit_cpu_us(double autocommit_insert_us, double in_transaction_insert_us);

// COUNT(*)'s cost per row from the same query over 0 and `rows` rows.
double count_per_row_ns(double count_empty_us, double count_full_us, int rows);

// The per-request overhead that makes one key saturate at `knee_per_s` when each command
// costs `command_us`: 1/knee - command.
double request_overhead_us(double knee_per_s, double command_us);

// An event-loop iteration's own CPU (syscalls) from a server's CPU over `requests` requests,
// each alone in its iteration, less each request's known costs; floored at 0.
double iteration_overhead_us(double cpu_s, std::size_t requests, double per_request_us);

// Whether a hot row's waiters are served in random order rather than request order, from its
// closed loops' p99 / mean latency: ~1 in request order (every waiter waits the same rounds),
// ln 100 = 4.6 in random order (geometric waits); above the midpoint, 2.8, on average.
bool served_in_random_order(std::span<const double> p99_to_mean);

// The middle of three measurements (a knee measured three times on a noisy machine).
double median_of_three(double a, double b, double c);

}  // namespace likesim
