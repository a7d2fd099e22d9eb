// likesim's Redis driver next to redis-benchmark: INCRBY on one key with C connections and
// pipeline depth P, against a running Redis (scripts/backends up: 127.0.0.1:7001).
//
// likesim keeps C*P coroutines each looping `co_await kv.incr_by(key, 1)` over a client with
// C connections (so about P commands in flight per connection); redis-benchmark runs
// `-t incr -c C -P P -n N`. The two alternate for a few rounds (the server's disk makes single
// runs noisy) and the medians are compared; the issue asks for likesim >= 90 % of
// redis-benchmark's requests/s.
//
//   redis_driver_bench                       # a default set of (C, P)
//   redis_driver_bench --port 7001 --connections 50 --depth 16 --requests 200000 --rounds 3
//   redis_driver_bench --likesim-only ...    # without redis-benchmark (for a profiler)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "engine/backends/kv.h"
#include "engine/backends/real/asio_runtime.h"
#include "engine/backends/real/redis_client.h"

namespace likesim::real {
namespace {

using namespace std::chrono_literals;

struct Config {
  int port = 7001;
  int connections = 0;  // 0: the default set
  int depth = 0;
  long requests = 0;  // 0: scaled to C * P
  int rounds = 3;
  bool likesim_only = false;  // for profiling the driver alone
};

long requests_for(const Config& c, int connections, int depth) {
  if (c.requests > 0) return c.requests;
  return std::clamp<long>(2000L * connections * depth, 5000, 500000);
}

struct Load {
  long issued = 0;
  long completed = 0;
  long failed = 0;
  long target = 0;
};

Task<void> incr_loop(Kv kv, KeyId key, Load* load) {
  while (load->issued < load->target) {
    ++load->issued;
    const KvReply r = co_await kv.incr_by(key, 1);
    if (r.status != ReplyStatus::ok) ++load->failed;
    ++load->completed;
  }
}

// likesim's requests/s, or a negative number (printed) if the run failed.
double likesim_rps(int port, int connections, int depth, long requests) {
  boost::asio::io_context io(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE);  // one thread, as in a run
  AsioRuntime rt(io);
  RedisOptions options;
  options.nodes = {{"127.0.0.1", static_cast<std::uint16_t>(port)}};
  options.connections_per_node = connections;
  options.timeout = 10s;  // fsync-bound servers answer slowly under load; this is not the test
  RedisClient redis(rt, options);
  Kv kv(redis);
  const KeyId key = KeyId::counter(4'000'000'000u);
  Load load;
  load.target = requests;
  const Time start = rt.now();
  for (int i = 0; i < connections * depth; ++i) rt.spawn(incr_loop(kv, key, &load));
  if (!rt.run_until([&] { return load.completed == load.target; }, start + 600s)) {
    std::fprintf(stderr, "likesim: only %ld of %ld requests finished\n", load.completed,
                 load.target);
    return -1;
  }
  const double seconds = to_seconds(rt.now() - start);
  if (load.failed > 0) std::fprintf(stderr, "likesim: %ld requests failed\n", load.failed);
  return static_cast<double>(load.completed) / seconds;
}

// redis-benchmark's requests/s from its CSV output ("INCR","158730.16",...).
double redis_benchmark_rps(int port, int connections, int depth, long requests) {
  const std::string cmd = "redis-benchmark -p " + std::to_string(port) + " -t incr -c " +
                          std::to_string(connections) + " -P " + std::to_string(depth) + " -n " +
                          std::to_string(requests) + " --csv 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return -1;
  double rps = -1;
  char line[512];
  while (std::fgets(line, sizeof line, pipe)) {
    if (std::strncmp(line, "\"INCR\",\"", 8) == 0) rps = std::strtod(line + 8, nullptr);
  }
  pclose(pipe);
  return rps;
}

// "appendonly yes, appendfsync always": the server's persistence decides what INCR costs.
std::string persistence(int port) {
  std::string out;
  for (const char* setting : {"appendonly", "appendfsync"}) {
    const std::string cmd =
        "redis-cli -p " + std::to_string(port) + " CONFIG GET " + setting + " 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) continue;
    char name[128] = {};
    char value[128] = {};
    if (std::fgets(name, sizeof name, pipe) && std::fgets(value, sizeof value, pipe)) {
      value[std::strcspn(value, "\n")] = '\0';
      out += std::string(out.empty() ? "" : ", ") + setting + " " + value;
    }
    pclose(pipe);
  }
  return out.empty() ? "unknown persistence" : out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int run(const Config& config) {
  std::vector<std::pair<int, int>> shapes;
  if (config.connections > 0 || config.depth > 0) {
    shapes.emplace_back(std::max(1, config.connections), std::max(1, config.depth));
  } else {
    shapes = {{50, 16}, {4, 16}, {50, 1}, {1, 1}};
  }
  std::printf("INCR on 127.0.0.1:%d (%s), median of %d alternating rounds\n", config.port,
              persistence(config.port).c_str(), config.rounds);
  std::printf("%5s %5s %9s %16s %16s %7s\n", "C", "P", "requests", "likesim req/s",
              "redis-bench req/s", "ratio");
  int below = 0;
  for (const auto& [c, p] : shapes) {
    const long n = requests_for(config, c, p);
    std::vector<double> ours;
    std::vector<double> theirs;
    for (int round = 0; round < config.rounds; ++round) {
      ours.push_back(likesim_rps(config.port, c, p, n));
      theirs.push_back(config.likesim_only ? 0 : redis_benchmark_rps(config.port, c, p, n));
    }
    const double a = median(ours);
    const double b = median(theirs);
    const double ratio = b > 0 ? a / b : 0;
    if (ratio < 0.9) ++below;
    std::printf("%5d %5d %9ld %16.0f %16.0f %6.1f%%\n", c, p, n, a, b, 100 * ratio);
    std::fflush(stdout);
  }
  return below == 0 ? 0 : 1;
}

}  // namespace
}  // namespace likesim::real

int main(int argc, char** argv) {
  likesim::real::Config config;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--likesim-only") {
      config.likesim_only = true;
      --i;
      continue;
    }
    if (i + 1 == argc) {
      std::fprintf(stderr, "%s needs a value\n", flag.c_str());
      return 2;
    }
    const char* value = argv[i + 1];
    if (flag == "--port") {
      config.port = std::atoi(value);
    } else if (flag == "--connections") {
      config.connections = std::atoi(value);
    } else if (flag == "--depth") {
      config.depth = std::atoi(value);
    } else if (flag == "--requests") {
      config.requests = std::atol(value);
    } else if (flag == "--rounds") {
      config.rounds = std::max(1, std::atoi(value));
    } else {
      std::fprintf(stderr, "unknown flag %s (see the comment at the top of %s)\n", flag.c_str(),
                   __FILE__);
      return 2;
    }
  }
  try {
    return likesim::real::run(config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "redis_driver_bench: %s\n", e.what());
    return 2;
  }
}
