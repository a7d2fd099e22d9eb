// Sim vs real, side by side: where one Redis key saturates under single-key INCRBY offered
// open loop (engine/calibrate/saturation.h, the procedure `likesim calibrate` uses), on the
// simulated node (costs from a scenario, or from `likesim calibrate` via --costs) and on the
// real one (127.0.0.1:7001, likesim's client, 4 connections). The real knee is measured
// --repeat times and its median compared: this 2-core machine's own noise is ±10-20 %.
//
//   scripts/backends up
//   build/likesim calibrate --out /tmp/cal.toml
//   build/incr_saturation_bench --costs /tmp/cal.toml [--repeat 3]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/backends/real/asio_runtime.h"
#include "engine/backends/real/redis_client.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/calibrate/saturation.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"

int main(int argc, char** argv) {
  using namespace likesim;
  std::string costs;
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--costs" && i + 1 < argc) {
      costs = argv[++i];
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: incr_saturation_bench [--costs FILE] [--repeat N]\n";
      return 2;
    }
  }
  absl::StatusOr<Scenario> scenario =
      load_scenario(source_dir() + "/scenarios/smoke.toml", {"backends.redis.nodes=1"}, costs);
  if (!scenario.ok()) {
    std::cerr << scenario.status().message() << "\n";
    return 2;
  }
  const Duration window = std::chrono::milliseconds(500);

  Scheduler sched;
  SimRuntime srt(sched);
  sim::RedisCluster node(sched, scenario->costs.redis, 1);
  const double sim_knee = saturation_knee([&](double rate) {
    return keeps_up(srt, Kv(node), rate, window, [&](absl::FunctionRef<bool()> done, Time limit) {
      while (!done() && !sched.empty() && sched.next_time() <= limit) sched.run_one();
    });
  });

  boost::asio::io_context io(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE);  // one thread, as in a run
  real::AsioRuntime rt(io);
  real::RedisOptions options;
  options.nodes = {{"127.0.0.1", 7001}};
  std::unique_ptr<real::RedisClient> redis;
  try {
    redis = std::make_unique<real::RedisClient>(rt, options);
  } catch (const std::exception& e) {
    std::cerr << "incr_saturation_bench: " << e.what() << " (scripts/backends up)\n";
    return 1;
  }
  std::vector<double> real_knees;
  for (int i = 0; i < repeat; ++i) {
    real_knees.push_back(saturation_knee([&](double rate) {
      return keeps_up(
          rt, Kv(*redis), rate, window,
          [&](absl::FunctionRef<bool()> done, Time limit) { rt.run_until(done, limit); });
    }));
    std::printf("real knee %d: %.0f INCRBY/s\n", i + 1, real_knees.back());
  }
  std::sort(real_knees.begin(), real_knees.end());
  const double real_knee = real_knees[real_knees.size() / 2];
  std::printf(
      "single-key INCRBY saturation (>= 95%% answered, 0.5 s windows): sim %.0f/s, real "
      "%.0f/s (median of %d), sim/real %.2f\n",
      sim_knee, real_knee, repeat, real_knee > 0 ? sim_knee / real_knee : 0.0);
  return 0;
}
