// RedisClient: the real Kv — one Redis node or a Redis Cluster, over Boost.Asio sockets.
//
// Commands are encoded in RESP by RespCommand (redis_connection.h: the bytes of hiredis's
// redisFormatCommandArgv, without its sprintf) and hiredis parses every reply (redisReader);
// Asio owns the sockets. Each node gets a small pool of connections and each connection
// pipelines: commands are written as they come and replies are matched in order, so many
// commands are in flight per connection. In cluster mode the slot map comes from CLUSTER
// SLOTS, keys are routed by hash_slot() (the same function the simulator uses), and MOVED /
// ASK replies are followed. Scripts (like/unlike, Bloom add/exists over SETBIT/GETBIT) are
// loaded once per node and run with EVALSHA (reloaded after NOSCRIPT, e.g. after a restart).
//
//   boost::asio::io_context io;
//   real::AsioRuntime rt(io);
//   real::RedisClient redis(rt, {.nodes = {{"127.0.0.1", 7001}}, .cluster = false});
//   Kv kv(redis);                               // strategies see only Kv
//   RedisResult r = co_await redis.command({"XADD", "log:{3}", "*", "post", "7"}, "log:{3}");
//
// Failure is data (ReplyStatus): a command whose connection drops or that gets no answer
// within `timeout` ends with timeout (it may have run); one sent to a node that is down ends
// with unavailable. Reconnection is automatic. Only the constructor throws (BackendError,
// naming the address): a node that cannot be reached at startup.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backends/kv.h"
#include "engine/backends/real/asio_runtime.h"
#include "engine/backends/real/endpoint.h"
#include "engine/core/task.h"

namespace likesim::real {

struct RedisReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

// A raw command's outcome: status ok with the reply (which may itself be a Redis error
// reply, REDIS_REPLY_ERROR, after MOVED/ASK have been followed), or a failure status.
struct RedisResult {
  ReplyStatus status = ReplyStatus::ok;
  RedisReplyPtr reply;
  std::string error;  // for a failure: what happened, naming the node
};

struct RedisOptions {
  std::vector<Endpoint> nodes;  // standalone: one node; cluster: any subset of the masters
  bool cluster = false;
  int connections_per_node = 4;
  std::chrono::milliseconds timeout{1000};  // per command, from when it is written
  // CLIENT SETNAME of every connection, so CLIENT LIST / CLIENT KILL can tell likesim's apart.
  std::string client_name = "likesim";
};

class RedisClient final : public KvExecutor {
 public:
  RedisClient(AsioRuntime& rt, RedisOptions options);
  ~RedisClient() override;
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  void submit(KvCall* call) override;

  // Any command, routed by the slot of `route_key` (cluster) or to the only node; an empty
  // route_key picks node 0. For the stream log, setup and calibration.
  Task<RedisResult> command(std::vector<std::string> argv, std::string route_key = {});

  // The masters (standalone: the one node), in slot order.
  const std::vector<Endpoint>& nodes() const;
  // Which node serves `key` now.
  int node_of(const KeyId& key) const;
  int node_of(std::string_view key_text) const;
  // Runs a command on one node (FLUSHALL, INFO, CONFIG GET, SCRIPT LOAD...).
  Task<RedisResult> command_on(int node, std::vector<std::string> argv);

  struct NodeStats {
    std::uint64_t commands = 0;   // sent to this node
    std::uint64_t redirects = 0;  // MOVED/ASK followed from it
    std::uint64_t failures = 0;   // timeouts and unavailable
    std::size_t max_in_flight = 0;
  };
  const NodeStats& node_stats(int node) const;
  std::size_t in_flight(int node) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace likesim::real
