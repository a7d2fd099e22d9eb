// WorkloadConfig: what a scenario's [workload] table sets.
//
// A workload is a steady background (Poisson arrivals over Zipf-distributed posts with a
// read:write mix) plus, for `celebrity`, one hot post whose like rate ramps up to a peak,
// holds, and decays; for `hawkes`, many posts going viral in self-exciting cascades; for
// `replay`, a recorded trace or a real cascade instead. On top of any of them: a flash crowd
// (a step in the background's load), churn (like, unlike, like again) and client retries.
// Rates are per second of simulated time.
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

// A self-exciting cascade per viral post (kind = "hawkes"): a marked Hawkes process in its
// branching representation. Every like has Poisson(branching * m^beta / E[m^beta]) child likes
// (m its liker's follower count, Pareto(mark_alpha) from 1), each after a delay drawn from the
// memory kernel, truncated at horizon_s; a cascade's root (the post) has enough direct likes
// that the expected cascade size is the drawn size. Cascade times are divided by
// rate_multiplier (a day of retweets in 86 s at 1000), which turns a tweet's rates into a hot
// post's.
struct HawkesConfig {
  // "seismic": phi(s) = c for s <= s0, c (s/s0)^-(1+theta) after (Zhao et al., KDD 2015;
  // c = 6.265725e-4 /s makes it a density). "power_law": phi(s) ~ (s + c)^-(1+theta)
  // (Mishra et al., CIKM 2016: c = 250.7 s, theta = 1.338, branching 0.922, beta 1.015).
  std::string kernel = "seismic";
  double seismic_c = 6.265725e-4;  // per second
  double seismic_s0_s = 300;
  double seismic_theta = 0.2314843;
  double power_law_c_s = 250.7;
  double power_law_theta = 1.338;
  double branching = 0.922;        // n*: mean child likes per like (< 1)
  double mark_alpha = 2.016;       // Pareto exponent of follower counts; 0 = unmarked
  double mark_beta = 1.015;        // how a liker's followers scale its children
  double horizon_s = 7 * 86400.0;  // cascade time (before rate_multiplier)
  double rate_multiplier = 1;      // cascade time / rate_multiplier = run time
  double cascades_per_s = 1;       // new viral posts per second of run time (Poisson)
  double first_cascade_s = 0;      // none start before this run time
  // Cascade sizes: a file of `cascade_id,size` rows (../shared/data/news_cascade_sizes.csv)
  // drawn uniformly, or, when empty, a power law P(size >= s) ~ s^-size_alpha from size_min.
  std::string sizes_file;
  double size_alpha = 1.5;
  double size_min = 50;
  double size_max = 1e7;
  double size_scale = 1;         // every drawn size times this
  std::uint32_t first_post = 0;  // the first viral post's id; 0 = steady.posts + 1
  double reads_per_like = 1.0;   // count reads of a viral post per like, right after it
};

// A recorded request stream or a real cascade in place of the generated workload.
struct ReplayConfig {
  std::string trace;            // a file; relative paths are from the scenario's folder
  std::string format = "auto";  // auto (by extension) | csv | binary | cascade
  // cascade only: time compression, copies on distinct posts and users, each copy shifted by
  // a uniform jitter in [0, jitter_s) of run time, count reads per like, and the steady
  // background of the scenario merged in (a cascade file holds only one post's likes).
  double compress = 1;
  std::uint32_t replicate = 1;
  double jitter_s = 0;
  double reads_per_like = 1.0;
  bool background = true;
  std::uint32_t first_post = 0;  // 0 = steady.posts + 1
};

// A step to `factor` times the background's load at at_s, for for_s seconds (0 = to the end).
struct FlashCrowdConfig {
  double at_s = 0;
  double factor = 1;  // 1 = no flash crowd
  double for_s = 0;
};

// Users who like, unlike and like again within seconds: a `fraction` of likes is undone after
// an exponential delay of mean unlike_after_s, and a `relike_fraction` of those is liked again
// after another of mean relike_after_s (the same user and post, new request ids).
struct ChurnConfig {
  double fraction = 0;
  double unlike_after_s = 2;
  double relike_fraction = 1;
  double relike_after_s = 2;
};

// Clients that give up and try again (closed loop: they react to the backends' latency). A
// call unanswered after timeout_ms is abandoned (it still runs on the backends) and resent
// with the same request id after a backoff: backoff_ms * multiplier^(attempt-1), capped at
// max_backoff_ms, times a uniform jitter in [1 - jitter, 1]; at most max_attempts sends in
// all, and retries may add at most `budget` of the original requests (a token bucket as in
// gRPC's retry throttling: each original request adds `budget` tokens, each retry takes one).
struct ClientRetryConfig {
  double timeout_ms = 0;  // 0 = clients wait for every answer (no retries)
  int max_attempts = 3;
  double backoff_ms = 50;
  double multiplier = 2;
  double max_backoff_ms = 2000;
  double jitter = 1;  // 1 = "full jitter"
  double budget = 1;  // retries per original request, on average at most
  bool reads = true;  // reads are retried too
};

struct WorkloadConfig {
  std::string kind = "steady";  // steady | celebrity | hawkes | replay
  SteadyConfig steady;
  CelebrityConfig celebrity;
  HawkesConfig hawkes;
  ReplayConfig replay;
  FlashCrowdConfig flash;
  ChurnConfig churn;
  ClientRetryConfig client;
  double retry_fraction = 0.0;  // of writes: the client resends the same request id
  double retry_delay_ms = 200;  // mean delay of that resend (exponential)
};

}  // namespace likesim
