// The hawkes generator's speed and memory, and the shape of its hottest post.
//
// BM_HawkesGenerate/N/marked: N likes through HawkesCascades (SEISMIC kernel, n* = 0.922,
// sizes from the data folder's news cascades, or a power law without it; 300 cascades/s at
// rate_multiplier 1e4, so a cascade's week is 60 s of run time), time ordered. Counters: likes
// per CPU second, peak RSS (getrusage ru_maxrss, the process's), the most pending likes and the
// generator's own bytes. Run 10 M and 100 M in separate processes to compare RSS:
//
//   build/hawkes_bench --benchmark_filter='likes:10000000/marked:1'
//   build/hawkes_bench --benchmark_filter='likes:100000000/marked:1'
//   LIKESIM_HAWKES_CURVE=1 build/hawkes_bench --benchmark_filter=none   # the curve table
//
// BM_UnorderedBranchingReference: the yardstick the ">= 20 M/s" target was set against
// (../shared/notes/hawkes-generation.md §4c: "branching, unordered (generation stack)", 21.3 M
// events/s on the notes' 2-core machine). A root of 10^7 direct likes, Poisson(0.5) children
// per like, shifted power-law delays (c = 30 s, theta = 0.45) dropped beyond 24 h, generated
// depth first on a stack with no time order. It shares HawkesKernel's closed-form inverse CDF
// and RandomStream, so it is as fast as that row's method gets here. The VMs we run on differ
// by 2x from day to day: read the generator's likes_per_s as a ratio to this one's
// events_per_s, measured in the same process.
//
// LIKESIM_HAWKES_CURVE prints to stderr, per 10 minutes of a post's life, the like rate per
// minute of the hottest generated post (rate_multiplier 1, SEISMIC kernel, news sizes), the
// mean of cascades drawn at the SEISMIC tweet's own size, and the tweet's retweets.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/random_stream.h"
#include "tests/source_paths.h"
#include "workloads/hawkes_cascades.h"
#include "workloads/hawkes_kernel.h"
#include "workloads/poisson_draw.h"

namespace likesim {
namespace {

const std::string kData = source_dir() + "/../shared/data/";

CascadeSizes news_sizes() {
  absl::StatusOr<CascadeSizes> s = CascadeSizes::from_file(kData + "news_cascade_sizes.csv", 1);
  return s.ok() ? *std::move(s) : CascadeSizes::power_law(1.5, 50, 1e7, 1);
}

double peak_rss_bytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) * 1024.0;
}

void BM_HawkesGenerate(benchmark::State& state) {
  const auto target = static_cast<std::uint64_t>(state.range(0));
  HawkesConfig config;  // SEISMIC, n* = 0.922, Mishra's marks
  if (state.range(1) == 0) config.mark_alpha = 0;
  config.rate_multiplier = 1e4;
  config.cascades_per_s = 300;
  std::uint64_t likes = 0;
  std::size_t max_pending = 0, bytes = 0;
  double run_s = 0;
  for (auto _ : state) {
    HawkesCascades gen(config, news_sizes(), 1, Duration(std::int64_t{1} << 62));
    CascadeEvent e;
    std::uint64_t made = 0;
    while (made < target && gen.next(e)) made += e.start ? 0 : 1;
    likes += made;
    max_pending = gen.max_pending();
    bytes = gen.memory_bytes();
    run_s = static_cast<double>(e.time_ns) * 1e-9;
    benchmark::DoNotOptimize(e);
  }
  state.counters["likes_per_s"] =
      benchmark::Counter(static_cast<double>(likes), benchmark::Counter::kIsRate);
  state.counters["peak_rss_MB"] = peak_rss_bytes() / 1e6;
  state.counters["max_pending"] = static_cast<double>(max_pending);
  state.counters["generator_MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["run_time_s"] = run_s;
}
BENCHMARK(BM_HawkesGenerate)
    ->ArgsProduct({{10'000'000, 100'000'000}, {0, 1}})
    ->ArgNames({"likes", "marked"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

void BM_UnorderedBranchingReference(benchmark::State& state) {
  constexpr std::uint64_t kRootLikes = 10'000'000;
  constexpr double kChildren = 0.5;
  constexpr double kHorizonS = 86400;
  const HawkesKernel kernel = HawkesKernel::power_law(30, 0.45, 1e15);  // untruncated
  std::uint64_t events = 0;
  std::vector<double> stack;
  for (auto _ : state) {
    RandomStream rng(1, "reference");
    stack.clear();
    for (std::uint64_t i = 0; i < kRootLikes; ++i) {
      const double d = kernel.inverse_cdf(rng.uniform01());
      if (d <= kHorizonS) stack.push_back(d);
    }
    double checksum = 0;
    while (!stack.empty()) {
      const double t = stack.back();
      stack.pop_back();
      ++events;
      checksum += t;
      for (std::uint32_t n = poisson_draw(rng, kChildren); n > 0; --n) {
        const double d = kernel.inverse_cdf(rng.uniform01());
        if (d <= kHorizonS) stack.push_back(t + d);
      }
    }
    benchmark::DoNotOptimize(checksum);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(events) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_UnorderedBranchingReference)->Iterations(1)->Unit(benchmark::kSecond);

// Likes per minute in 10-minute bins over the first `hours` of each cascade that starts in
// the first `starts_before_s`; `pick` chooses the hottest, or averages them all.
std::vector<double> curve(const CascadeSizes& sizes, double cascades_per_s, double starts_before_s,
                          double hours, bool hottest, std::uint64_t seed, int& cascades) {
  HawkesConfig config;
  config.rate_multiplier = 1;
  config.cascades_per_s = cascades_per_s;
  const auto bins = static_cast<std::size_t>(hours * 6);
  const double end_s = starts_before_s + hours * 3600;
  HawkesCascades gen(config, sizes, seed, Duration(static_cast<std::int64_t>(end_s * 1e9)));
  std::vector<double> starts;
  std::vector<std::vector<double>> counts;
  CascadeEvent e;
  while (gen.next(e)) {
    const double t = static_cast<double>(e.time_ns) * 1e-9;
    if (e.start) {
      starts.push_back(t);
      counts.emplace_back(t < starts_before_s ? bins : 0, 0.0);
      continue;
    }
    const auto bin = static_cast<std::size_t>((t - starts[e.cascade]) / 600);
    if (bin < counts[e.cascade].size()) counts[e.cascade][bin] += 1;
  }
  std::vector<double> out(bins, 0.0);
  cascades = 0;
  double best = -1;
  for (const auto& c : counts) {
    if (c.empty()) continue;
    ++cascades;
    double total = 0;
    for (double v : c) total += v;
    if (hottest && total > best) {
      best = total;
      out = c;
    }
    if (!hottest) {
      for (std::size_t i = 0; i < bins; ++i) out[i] += c[i];
    }
  }
  for (double& v : out) v /= hottest ? 10.0 : 10.0 * std::max(cascades, 1);
  return out;
}

void print_curve_table() {
  constexpr double kHours = 12;
  int hot_n = 0, matched_n = 0;
  // ~2,160 news cascades start in the first 12 hours; the hottest is the largest of them.
  const std::vector<double> hot = curve(news_sizes(), 0.05, 12 * 3600, kHours, true, 1, hot_n);
  const std::vector<double> matched = curve(CascadeSizes::power_law(1, 15563, 15563, 1), 1.0 / 1800,
                                            12 * 3600, kHours, false, 1, matched_n);
  std::vector<double> tweet(hot.size(), 0.0);
  std::ifstream in(kData + "seismic_tweet_127001313513967616.csv");
  std::string line;
  std::getline(in, line);  // header
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {  // row 1 is the original tweet, at 0
      first = false;
      continue;
    }
    const auto bin = static_cast<std::size_t>(std::stod(line.substr(0, line.find(','))) / 600);
    if (bin < tweet.size()) tweet[bin] += 1.0 / 10;
  }
  std::fprintf(stderr,
               "likes (retweets) per minute, mean over each 10 minutes of a post's life\n"
               "hottest: the largest of %d news-size cascades; matched: mean of %d cascades of "
               "15,563; tweet: the SEISMIC tweet\n%8s %10s %10s %10s\n",
               hot_n, matched_n, "minute", "hottest", "matched", "tweet");
  for (std::size_t i = 0; i < hot.size(); ++i) {
    std::fprintf(stderr, "%8zu %10.1f %10.1f %10.1f\n", i * 10, hot[i], matched[i], tweet[i]);
  }
}

}  // namespace
}  // namespace likesim

int main(int argc, char** argv) {
  if (std::getenv("LIKESIM_HAWKES_CURVE") != nullptr) likesim::print_curve_table();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
