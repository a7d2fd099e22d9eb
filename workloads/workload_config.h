// WorkloadConfig: what a scenario's [workload] table sets.
//
// A workload is a steady background (Poisson arrivals over Zipf-distributed posts with a
// read:write mix) plus, for `celebrity`, one hot post whose like rate ramps up to a peak,
// holds, and decays. Rates are per second of simulated time.
#pragma once

#include <cstdint>
#include <string>

namespace likesim {

struct SteadyConfig {
  double writes_per_s = 1000;    // likes + unlikes on background posts
  double reads_per_s = 10000;    // count + status + batch_count on background posts
  std::uint32_t posts = 100000;  // background posts 1..posts (0 is never used)
  double zipf_s = 1.0;           // popularity skew of background posts
  std::uint32_t users = 100000000;
  double unlike_fraction = 0.05;  // of writes: unlike a recent like
  double status_fraction = 0.2;   // of reads: "did I like it?"
  double batch_fraction = 0.0;    // of reads: a feed page of batch_size posts
  int batch_size = 20;
};

struct CelebrityConfig {
  bool enabled = false;
  std::uint32_t post = 0;  // the hot post's id; 0 = posts + 1 (outside the background)
  double start_s = 5;      // when the post goes live
  double ramp_s = 10;      // linear ramp 0 -> peak
  double hold_s = 180;     // at peak
  double decay_s = 30;     // exponential decay time constant after the hold
  double peak_likes_per_s = 100000;
  double reads_per_like = 1.0;  // count reads of the hot post per like (seed 003: ~1:1 at peak)
};

struct WorkloadConfig {
  std::string kind = "steady";  // steady | celebrity
  SteadyConfig steady;
  CelebrityConfig celebrity;
  double retry_fraction = 0.0;  // of writes: the client resends the same request id
  double retry_delay_ms = 200;  // mean delay of that resend (exponential)
};

}  // namespace likesim
