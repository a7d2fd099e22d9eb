#include "engine/backends/real/stream_command_costs.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backends/real/backend_error.h"

namespace likesim::real {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kKey = "likesim:calibrate:stream";

struct Measure {
  AsioRuntime& rt;
  RedisClient& redis;
  int node;

  std::string name() const {
    return "redis " + redis.nodes()[static_cast<std::size_t>(node)].text();
  }

  Task<void> send(std::vector<std::string> argv) {
    const std::string what = argv[0];
    RedisResult r = co_await redis.command_on(node, std::move(argv));
    if (r.status != ReplyStatus::ok) throw BackendError(name(), r.error);
    if (r.reply->type == REDIS_REPLY_ERROR) {
      throw BackendError(name(), what + ": " + std::string(r.reply->str, r.reply->len));
    }
  }
  void run(std::vector<std::string> argv) { rt.block_on(send(std::move(argv)), 10s); }

  // usec_per_call of `command` since the last CONFIG RESETSTAT.
  double usec_per_call(std::string_view command) {
    double us = -1;
    rt.block_on(stats(std::string(command), us), 10s);
    if (us < 0) throw BackendError(name(), "no commandstats for " + std::string(command));
    return us;
  }
  Task<void> stats(std::string command, double& us) {
    std::vector<std::string> argv = {"INFO", "commandstats"};
    RedisResult r = co_await redis.command_on(node, std::move(argv));
    if (r.status != ReplyStatus::ok) throw BackendError(name(), r.error);
    const std::string_view info(r.reply->str, r.reply->len);
    const std::size_t at = info.find("cmdstat_" + command + ":");
    if (at == std::string_view::npos) co_return;
    const std::size_t field = info.find("usec_per_call=", at);
    if (field != std::string_view::npos) {
      us = std::atof(std::string(info.substr(field + 14, 32)).c_str());
    }
  }
  // `reads` XREADGROUPs of `count` entries, each followed by the XACK of those entries.
  void read_and_ack(int reads, int count, std::int64_t& next_id) {
    for (int i = 0; i < reads; ++i) {
      run({"XREADGROUP", "GROUP", "g", "c", "COUNT", std::to_string(count), "STREAMS",
           std::string(kKey), ">"});
      std::vector<std::string> ack = {"XACK", std::string(kKey), "g"};
      for (int k = 0; k < count; ++k) ack.push_back("0-" + std::to_string(next_id++));
      run(std::move(ack));
    }
  }
};

}  // namespace

double StreamCommandCosts::xread_entry_us() const {
  return std::max(0.0, (read16_us - read1_us) / 15.0);
}
double StreamCommandCosts::xread_base_us() const {
  return std::max(0.0, read1_us - xread_entry_us());
}
double StreamCommandCosts::xack_id_us() const { return std::max(0.0, (ack16_us - ack1_us) / 15.0); }
double StreamCommandCosts::xack_base_us() const { return std::max(0.0, ack1_us - xack_id_us()); }

StreamCommandCosts measure_stream_command_costs(AsioRuntime& rt, RedisClient& redis, int node,
                                                int samples) {
  Measure m{rt, redis, node};
  const int n = std::max(16, samples);
  const int reads1 = n / 2;
  const int reads16 = n / 2 / 16;
  StreamCommandCosts out;
  m.run({"DEL", std::string(kKey)});
  m.run({"XGROUP", "CREATE", std::string(kKey), "g", "$", "MKSTREAM"});
  m.run({"CONFIG", "RESETSTAT"});
  for (int i = 1; i <= n; ++i) {  // explicit IDs 0-1, 0-2, ... so the XACKs can name them
    m.run({"XADD", std::string(kKey), "0-" + std::to_string(i), "post", std::to_string(i), "user",
           std::to_string(i * 7), "delta", "1"});
  }
  out.xadd_us = m.usec_per_call("xadd");
  std::int64_t next_id = 1;
  m.run({"CONFIG", "RESETSTAT"});
  m.read_and_ack(reads1, 1, next_id);
  out.read1_us = m.usec_per_call("xreadgroup");
  out.ack1_us = m.usec_per_call("xack");
  m.run({"CONFIG", "RESETSTAT"});
  m.read_and_ack(reads16, 16, next_id);
  out.read16_us = m.usec_per_call("xreadgroup");
  out.ack16_us = m.usec_per_call("xack");
  m.run({"XTRIM", std::string(kKey), "MAXLEN", "0"});  // nothing left to read
  m.run({"CONFIG", "RESETSTAT"});
  for (int i = 0; i < n / 4; ++i) {
    m.run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "16", "STREAMS", std::string(kKey), ">"});
  }
  out.read_empty_us = m.usec_per_call("xreadgroup");
  m.run({"DEL", std::string(kKey)});
  return out;
}

}  // namespace likesim::real
