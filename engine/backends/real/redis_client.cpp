#include "engine/backends/real/redis_client.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <charconv>
#include <deque>
#include <optional>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "engine/backends/bloom_bits.h"
#include "engine/backends/real/backend_error.h"
#include "engine/backends/real/redis_connection.h"
#include "engine/backends/real/redis_scripts.h"

namespace likesim::real {
namespace {

using namespace std::chrono_literals;

// How long the constructor waits for the nodes before it names the one that did not answer.
constexpr Duration kSetupLimit = 2s;
// MOVED/ASK hops one command may take; more means the cluster is reconfiguring in a loop.
constexpr int kMaxRedirects = 5;

std::string_view reply_text(const redisReply& r) { return {r.str, r.len}; }

bool parse_int(std::string_view text, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// "MOVED 3999 127.0.0.1:6381" or "ASK 3999 127.0.0.1:6381".
struct Redirect {
  bool ask = false;
  int slot = 0;
  Endpoint target;
};

std::optional<Redirect> parse_redirect(std::string_view error, const Endpoint& from) {
  const bool ask = error.starts_with("ASK ");
  if (!ask && !error.starts_with("MOVED ")) return std::nullopt;
  // Debian's Abseil has its own string_view, so no absl::StrSplit here.
  std::vector<std::string_view> parts;
  for (std::size_t at = 0; at < error.size();) {
    const std::size_t space = std::min(error.find(' ', at), error.size());
    if (space > at) parts.push_back(error.substr(at, space - at));
    at = space + 1;
  }
  if (parts.size() != 3) return std::nullopt;
  std::int64_t slot = 0;
  if (!parse_int(parts[1], slot) || slot < 0 || slot >= kClusterSlots) return std::nullopt;
  // A node that does not know its own address announces ":port"; it is the sender's host.
  const std::string_view target = parts[2];
  const std::size_t colon = target.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  absl::StatusOr<Endpoint> endpoint =
      colon == 0 ? parse_endpoint(from.host + std::string(target)) : parse_endpoint(target);
  if (!endpoint.ok()) return std::nullopt;
  return Redirect{ask, static_cast<int>(slot), *std::move(endpoint)};
}

bool is_script(KvVerb v) {
  return v == KvVerb::like_script || v == KvVerb::unlike_script || v == KvVerb::bf_add ||
         v == KvVerb::bf_exists;
}

RedisScript script_of(KvVerb v) {
  switch (v) {
    case KvVerb::like_script:
      return RedisScript::like;
    case KvVerb::unlike_script:
      return RedisScript::unlike;
    case KvVerb::bf_add:
      return RedisScript::bloom_add;
    default:
      return RedisScript::bloom_exists;
  }
}

// One reply value into a KvReply: integers as they are, bulk strings parsed as integers (GET),
// nil as 0 with nil set, a status ("OK") as 0. Anything else is an error.
void fill_value(const redisReply& r, KvReply& out) {
  out = KvReply{};
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      out.value = r.integer;
      return;
    case REDIS_REPLY_NIL:
      out.nil = true;
      return;
    case REDIS_REPLY_STATUS:
      return;
    case REDIS_REPLY_STRING:
      if (!parse_int(reply_text(r), out.value)) out.status = ReplyStatus::error;
      return;
    default:
      out.status = ReplyStatus::error;
      return;
  }
}

std::string_view command_name(KvVerb v) {
  switch (v) {
    case KvVerb::get:
      return "GET";
    case KvVerb::set:
      return "SET";
    case KvVerb::incr_by:
      return "INCRBY";
    case KvVerb::del:
      return "DEL";
    case KvVerb::sadd:
      return "SADD";
    case KvVerb::srem:
      return "SREM";
    case KvVerb::sismember:
      return "SISMEMBER";
    default:
      return "EVALSHA";
  }
}

}  // namespace

struct RedisClient::Impl {
  struct Node {
    Endpoint endpoint;
    std::string name;  // "redis host:port"
    std::vector<std::shared_ptr<RedisConnection>> connections;
    std::size_t next = 0;       // round robin
    std::size_t in_flight = 0;  // sent and not answered (for max_in_flight)
    NodeStats stats;
  };

  // The commands of one KvCall that go to one node as one Redis command: one command of a
  // single or pipeline call, or one slot's keys of an MGET. Pooled: a call allocates nothing
  // once the pool is warm.
  struct KvOp final : RedisReplyHandler {
    Impl* impl = nullptr;
    KvCall* call = nullptr;
    absl::InlinedVector<std::uint32_t, 16> indices;  // into call->commands
    int node = 0;
    int redirects = 0;
    bool asking = false;         // send ASKING first (an ASK redirect)
    bool reload_script = false;  // send SCRIPT LOAD first (a NOSCRIPT reply)
    bool script_reloaded = false;
    void on_reply(ReplyStatus status, RedisReplyPtr reply) override {
      impl->on_kv_reply(*this, status, std::move(reply));
    }
  };

  // A raw command's slot in the awaiting coroutine's frame.
  struct RawRequest final : RedisReplyHandler {
    ReplyStatus status = ReplyStatus::ok;
    RedisReplyPtr reply;
    std::coroutine_handle<> waiter;
    bool sent = false;
    void on_reply(ReplyStatus s, RedisReplyPtr r) override {
      status = s;
      reply = std::move(r);
      waiter.resume();
    }
  };
  struct RawAwaiter {
    Impl* impl;
    int node;
    std::span<const std::string_view> argv;
    bool asking;
    RawRequest* request;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      request->waiter = h;
      impl->send_raw(node, argv, asking, *request);
    }
    void await_resume() const noexcept {}
  };

  Impl(AsioRuntime& runtime, RedisOptions opts);
  ~Impl();

  // Setup (blocking).
  int add_node(const Endpoint& endpoint);
  void wait_until_connected();
  void discover_cluster();
  void load_scripts();

  // Routing.
  int node_of_slot(int slot) const { return options.cluster ? slot_node[slot] : 0; }
  int node_of_key(const KeyId& key) const {
    return options.cluster ? slot_node[static_cast<std::size_t>(hash_slot(key))] : 0;
  }
  int node_for_redirect(const Endpoint& target);
  RedisConnection* pick_connection(int node);

  // The Kv path.
  KvOp& acquire_op(KvCall* call, int node);
  void send_kv(KvOp& op, RedisConnection* connection);
  void encode_kv(const KvOp& op);  // into `encoder`
  void on_kv_reply(KvOp& op, ReplyStatus status, RedisReplyPtr reply);
  bool follow_redirect(int& node, bool& asking, const redisReply& error, int redirects);
  void finish(KvOp& op, ReplyStatus status);
  void finish_later(KvOp& op, ReplyStatus status);

  // The raw path.
  void send_raw(int node, std::span<const std::string_view> argv, bool asking, RawRequest& request);
  Task<RedisResult> raw_command(int node, std::vector<std::string> argv, bool follow_redirects);
  std::string failure_text(int node, ReplyStatus status) const;

  void count_sent(Node& node);

  AsioRuntime& rt;
  RedisOptions options;
  std::vector<std::unique_ptr<Node>> nodes;  // stable addresses: ops keep indices, not refs
  std::vector<Endpoint> endpoints;           // nodes()
  std::vector<std::int16_t> slot_node;       // cluster: slot -> index in nodes
  std::array<std::string, kRedisScriptCount> script_sha;
  std::deque<KvOp> ops;  // every op ever made; a deque keeps them close and in place
  std::vector<KvOp*> free_ops;
  RespCommand encoder;
  // Handlers posted to the io_context hold a weak reference: they do nothing once the client
  // is gone.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

RedisClient::Impl::Impl(AsioRuntime& runtime, RedisOptions opts)
    : rt(runtime), options(std::move(opts)) {
  if (options.nodes.empty()) throw BackendError("redis", "no node address given");
  options.connections_per_node = std::max(1, options.connections_per_node);
  if (options.cluster) {
    discover_cluster();
  } else {
    add_node(options.nodes.front());
    wait_until_connected();
  }
  load_scripts();
}

RedisClient::Impl::~Impl() {
  for (auto& node : nodes) {
    for (auto& c : node->connections) c->close();
  }
}

int RedisClient::Impl::add_node(const Endpoint& endpoint) {
  auto node = std::make_unique<Node>();
  node->endpoint = endpoint;
  node->name = "redis " + endpoint.text();
  for (int i = 0; i < options.connections_per_node; ++i) {
    auto c = RedisConnection::create(rt.io(), endpoint,
                                     {.timeout = options.timeout,
                                      .reconnect_delay = 100ms,
                                      .client_name = options.client_name,
                                      .owner = this,
                                      .owner_node = static_cast<int>(nodes.size())});
    c->start();
    node->connections.push_back(std::move(c));
  }
  nodes.push_back(std::move(node));
  endpoints.push_back(endpoint);
  return static_cast<int>(nodes.size()) - 1;
}

void RedisClient::Impl::wait_until_connected() {
  auto settled = [&] {
    for (const auto& node : nodes) {
      for (const auto& c : node->connections) {
        const auto s = c->state();
        if (s == RedisConnection::State::idle || s == RedisConnection::State::connecting) {
          return false;
        }
      }
    }
    return true;
  };
  rt.run_until(settled, rt.now() + kSetupLimit);
  for (const auto& node : nodes) {
    for (const auto& c : node->connections) {
      switch (c->state()) {
        case RedisConnection::State::connected:
          break;
        case RedisConnection::State::down:
          throw BackendError(c->name(), c->last_error());
        default:
          throw BackendError(
              c->name(), "no connection within " + std::to_string(to_seconds(kSetupLimit)) + " s");
      }
    }
  }
}

void RedisClient::Impl::discover_cluster() {
  // Every seed must answer (a wrong address is worth an error at startup); the first one
  // tells where the slots are.
  for (const Endpoint& seed : options.nodes) add_node(seed);
  wait_until_connected();
  RedisResult slots =
      rt.block_on(raw_command(0, {"CLUSTER", "SLOTS"}, false), kSetupLimit + options.timeout);
  const std::string& seed_name = nodes[0]->name;
  if (slots.status != ReplyStatus::ok) throw BackendError(seed_name, slots.error);
  const redisReply& r = *slots.reply;
  if (r.type == REDIS_REPLY_ERROR) {
    throw BackendError(seed_name, "CLUSTER SLOTS: " + std::string(reply_text(r)));
  }
  if (r.type != REDIS_REPLY_ARRAY || r.elements == 0) {
    throw BackendError(seed_name, "CLUSTER SLOTS: no slot is served");
  }
  struct Range {
    int first;
    int last;
    Endpoint master;
  };
  std::vector<Range> ranges;
  for (std::size_t i = 0; i < r.elements; ++i) {
    const redisReply& e = *r.element[i];
    if (e.type != REDIS_REPLY_ARRAY || e.elements < 3 || e.element[2]->type != REDIS_REPLY_ARRAY ||
        e.element[2]->elements < 2) {
      throw BackendError(seed_name, "CLUSTER SLOTS: unexpected reply");
    }
    const redisReply& master = *e.element[2];
    Endpoint endpoint{std::string(reply_text(*master.element[0])),
                      static_cast<std::uint16_t>(master.element[1]->integer)};
    // A node that does not know its own address reports an empty one: it is the seed's host.
    if (endpoint.host.empty() || endpoint.host == "?") endpoint.host = options.nodes[0].host;
    ranges.push_back({static_cast<int>(e.element[0]->integer),
                      static_cast<int>(e.element[1]->integer), std::move(endpoint)});
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.first < b.first; });

  // The masters in slot order; seeds that are masters keep their connections.
  std::vector<std::unique_ptr<Node>> seeds = std::move(nodes);
  nodes.clear();
  endpoints.clear();
  slot_node.assign(kClusterSlots, 0);  // an unserved slot goes to node 0, which says so
  for (const Range& range : ranges) {
    auto known = std::find(endpoints.begin(), endpoints.end(), range.master);
    int index = static_cast<int>(known - endpoints.begin());
    if (known == endpoints.end()) {
      auto seed = std::find_if(seeds.begin(), seeds.end(),
                               [&](const auto& n) { return n && n->endpoint == range.master; });
      if (seed != seeds.end()) {
        nodes.push_back(std::move(*seed));
        endpoints.push_back(range.master);
      } else {
        add_node(range.master);
      }
    }
    for (int s = std::max(0, range.first); s <= std::min(kClusterSlots - 1, range.last); ++s) {
      slot_node[static_cast<std::size_t>(s)] = static_cast<std::int16_t>(index);
    }
  }
  for (auto& seed : seeds) {
    if (!seed) continue;
    for (auto& c : seed->connections) c->close();  // a replica, or a name for a known master
  }
  wait_until_connected();
}

void RedisClient::Impl::load_scripts() {
  for (int s = 0; s < kRedisScriptCount; ++s) {
    const std::string source(redis_script_source(static_cast<RedisScript>(s)));
    for (int n = 0; n < static_cast<int>(nodes.size()); ++n) {
      RedisResult r = rt.block_on(raw_command(n, {"SCRIPT", "LOAD", source}, false),
                                  kSetupLimit + options.timeout);
      if (r.status != ReplyStatus::ok) throw BackendError(nodes[n]->name, r.error);
      if (r.reply->type != REDIS_REPLY_STRING) {
        throw BackendError(nodes[n]->name, "SCRIPT LOAD: " + std::string(reply_text(*r.reply)));
      }
      // The hash is SHA1 of the source, the same on every node.
      script_sha[static_cast<std::size_t>(s)] = std::string(reply_text(*r.reply));
    }
  }
}

int RedisClient::Impl::node_for_redirect(const Endpoint& target) {
  auto known = std::find(endpoints.begin(), endpoints.end(), target);
  if (known != endpoints.end()) return static_cast<int>(known - endpoints.begin());
  // A master the client has not seen (the cluster grew): its connections open in the
  // background, and commands sent meanwhile wait for them.
  try {
    return add_node(target);
  } catch (const BackendError&) {
    return -1;
  }
}

RedisConnection* RedisClient::Impl::pick_connection(int node_index) {
  // A command sent in answer to a reply follows it on its connection (see delivering()).
  RedisConnection* delivering = RedisConnection::delivering();
  if (delivering && delivering->owner() == this && delivering->owner_node() == node_index &&
      delivering->state() == RedisConnection::State::connected) {
    return delivering;
  }
  Node& node = *nodes[static_cast<std::size_t>(node_index)];
  const std::size_t n = node.connections.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (node.next + k) % n;
    const auto s = node.connections[i]->state();
    if (s == RedisConnection::State::connected || s == RedisConnection::State::connecting) {
      node.next = (i + 1) % n;
      return node.connections[i].get();
    }
  }
  return nullptr;
}

void RedisClient::Impl::count_sent(Node& node) {
  ++node.stats.commands;
  node.stats.max_in_flight = std::max(node.stats.max_in_flight, ++node.in_flight);
}

RedisClient::Impl::KvOp& RedisClient::Impl::acquire_op(KvCall* call, int node) {
  if (free_ops.empty()) free_ops.push_back(&ops.emplace_back());
  KvOp& op = *free_ops.back();
  free_ops.pop_back();
  op.impl = this;
  op.call = call;
  op.indices.clear();
  op.node = node;
  op.redirects = 0;
  op.asking = false;
  op.reload_script = false;
  op.script_reloaded = false;
  ++call->pending;
  return op;
}

void RedisClient::Impl::encode_kv(const KvOp& op) {
  const KvCall& call = *op.call;
  if (call.kind == KvCallKind::mget) {
    encoder.begin(1 + op.indices.size()).arg("MGET");
    for (std::uint32_t i : op.indices) encoder.arg(call.commands[i].key);
    return;
  }
  const KvCommand& c = call.commands[op.indices.front()];
  switch (c.verb) {
    case KvVerb::get:
    case KvVerb::del:
      encoder.begin(2).arg(command_name(c.verb)).arg(c.key);
      return;
    case KvVerb::set:
    case KvVerb::incr_by:
    case KvVerb::sadd:
    case KvVerb::srem:
    case KvVerb::sismember:
      encoder.begin(3).arg(command_name(c.verb)).arg(c.key).arg(c.arg);
      return;
    case KvVerb::bf_add:
    case KvVerb::bf_exists:
      encoder.begin(4 + kBloomHashes)
          .arg("EVALSHA")
          .arg(script_sha[static_cast<std::size_t>(script_of(c.verb))])
          .arg("1")
          .arg(c.key);
      for (std::uint32_t bit : bloom_bits(c.key.post, static_cast<UserId>(c.arg))) {
        encoder.arg(std::int64_t{bit});
      }
      return;
    case KvVerb::like_script:
    case KvVerb::unlike_script:
      encoder.begin(6)
          .arg("EVALSHA")
          .arg(script_sha[static_cast<std::size_t>(script_of(c.verb))])
          .arg("2")
          .arg(c.key)
          .arg(c.key2)
          .arg(c.arg);
      return;
  }
}

void RedisClient::Impl::send_kv(KvOp& op, RedisConnection* connection) {
  Node& node = *nodes[static_cast<std::size_t>(op.node)];
  if (connection == nullptr) connection = pick_connection(op.node);
  if (connection == nullptr) {
    finish_later(op, ReplyStatus::unavailable);
    return;
  }
  // Prefixes go on the same connection, so they run right before the command.
  if (op.asking) {
    const std::string_view asking[] = {"ASKING"};
    if (!connection->send(asking, nullptr)) {
      finish_later(op, ReplyStatus::unavailable);
      return;
    }
  }
  if (op.reload_script) {
    const KvVerb verb = op.call->commands[op.indices.front()].verb;
    const std::string_view load[] = {"SCRIPT", "LOAD", redis_script_source(script_of(verb))};
    op.reload_script = false;
    if (!connection->send(load, nullptr)) {
      finish_later(op, ReplyStatus::unavailable);
      return;
    }
  }
  encode_kv(op);
  if (!connection->send_encoded(encoder.bytes(), &op)) {
    finish_later(op, ReplyStatus::unavailable);
    return;
  }
  count_sent(node);
}

bool RedisClient::Impl::follow_redirect(int& node, bool& asking, const redisReply& error,
                                        int redirects) {
  if (!options.cluster || redirects >= kMaxRedirects) return false;
  Node& from = *nodes[static_cast<std::size_t>(node)];
  const std::optional<Redirect> redirect = parse_redirect(reply_text(error), from.endpoint);
  if (!redirect) return false;
  const int target = node_for_redirect(redirect->target);
  if (target < 0) return false;
  ++from.stats.redirects;
  // MOVED: the slot has a new owner for good. ASK: only this command goes there, mid-migration.
  if (!redirect->ask)
    slot_node[static_cast<std::size_t>(redirect->slot)] = static_cast<std::int16_t>(target);
  node = target;
  asking = redirect->ask;
  return true;
}

void RedisClient::Impl::on_kv_reply(KvOp& op, ReplyStatus status, RedisReplyPtr reply) {
  --nodes[static_cast<std::size_t>(op.node)]->in_flight;
  if (status != ReplyStatus::ok) {
    ++nodes[static_cast<std::size_t>(op.node)]->stats.failures;
    finish(op, status);
    return;
  }
  const redisReply& r = *reply;
  KvCall& call = *op.call;
  if (r.type == REDIS_REPLY_ERROR) {
    if (follow_redirect(op.node, op.asking, r, op.redirects)) {
      ++op.redirects;
      send_kv(op, nullptr);
      return;
    }
    const KvVerb verb = call.commands[op.indices.front()].verb;
    if (reply_text(r).starts_with("NOSCRIPT") && is_script(verb) && !op.script_reloaded) {
      // The node lost its script cache (a restart, SCRIPT FLUSH): load, then run it again.
      op.script_reloaded = true;
      op.reload_script = true;  // and ASKING again if the node was an ASK target
      send_kv(op, nullptr);
      return;
    }
    finish(op, ReplyStatus::error);
    return;
  }
  if (call.kind == KvCallKind::mget) {
    if (r.type != REDIS_REPLY_ARRAY || r.elements != op.indices.size()) {
      finish(op, ReplyStatus::error);
      return;
    }
    for (std::size_t k = 0; k < r.elements; ++k)
      fill_value(*r.element[k], call.replies[op.indices[k]]);
  } else {
    fill_value(r, call.replies[op.indices.front()]);
  }
  finish(op, ReplyStatus::ok);
}

void RedisClient::Impl::finish(KvOp& op, ReplyStatus status) {
  KvCall* call = op.call;
  if (status != ReplyStatus::ok) {
    for (std::uint32_t i : op.indices) call->replies[i] = KvReply{0, status, false};
  }
  free_ops.push_back(&op);
  if (--call->pending == 0) call->waiter.resume();  // the call may be gone after this
}

void RedisClient::Impl::finish_later(KvOp& op, ReplyStatus status) {
  // Never from inside submit(): the waiter's coroutine is still suspending.
  if (status != ReplyStatus::ok && status != ReplyStatus::error) {
    ++nodes[static_cast<std::size_t>(op.node)]->stats.failures;
  }
  boost::asio::post(rt.io(), [this, life = std::weak_ptr<int>(alive), &op, status] {
    if (!life.expired()) finish(op, status);
  });
}

void RedisClient::Impl::send_raw(int node_index, std::span<const std::string_view> args,
                                 bool asking, RawRequest& request) {
  Node& node = *nodes[static_cast<std::size_t>(node_index)];
  RedisConnection* connection = pick_connection(node_index);
  const std::string_view asking_argv[] = {"ASKING"};
  const bool sent = connection != nullptr && (!asking || connection->send(asking_argv, nullptr)) &&
                    connection->send(args, &request);
  if (sent) {
    count_sent(node);
    request.sent = true;
    return;
  }
  boost::asio::post(rt.io(), [life = std::weak_ptr<int>(alive), &request] {
    if (life.expired()) return;
    request.status = ReplyStatus::unavailable;
    request.waiter.resume();
  });
}

std::string RedisClient::Impl::failure_text(int node, ReplyStatus status) const {
  const Node& n = *nodes[static_cast<std::size_t>(node)];
  std::string why = status == ReplyStatus::timeout ? "no reply (timeout)" : "unavailable";
  for (const auto& c : n.connections) {
    if (!c->last_error().empty()) {
      why += ": " + c->last_error();
      break;
    }
  }
  return n.name + ": " + why;
}

Task<RedisResult> RedisClient::Impl::raw_command(int node, std::vector<std::string> args,
                                                 bool follow_redirects) {
  const std::vector<std::string_view> views(args.begin(), args.end());
  bool asking = false;
  for (int redirects = 0;; ++redirects) {
    RawRequest request;
    co_await RawAwaiter{this, node, views, asking, &request};
    if (request.sent) --nodes[static_cast<std::size_t>(node)]->in_flight;
    if (request.status != ReplyStatus::ok) {
      ++nodes[static_cast<std::size_t>(node)]->stats.failures;
      co_return RedisResult{request.status, nullptr, failure_text(node, request.status)};
    }
    const bool redirected = follow_redirects && request.reply->type == REDIS_REPLY_ERROR &&
                            follow_redirect(node, asking, *request.reply, redirects);
    if (!redirected) co_return RedisResult{ReplyStatus::ok, std::move(request.reply), {}};
  }
}

RedisClient::RedisClient(AsioRuntime& rt, RedisOptions options)
    : impl_(std::make_unique<Impl>(rt, std::move(options))) {}

RedisClient::~RedisClient() = default;

void RedisClient::submit(KvCall* call) {
  Impl& impl = *impl_;
  call->pending = 0;
  if (call->n == 0) {
    boost::asio::post(impl.rt.io(), [life = std::weak_ptr<int>(impl.alive), call] {
      if (!life.expired()) call->waiter.resume();
    });
    return;
  }
  const bool cluster = impl.options.cluster;
  if (call->kind == KvCallKind::mget) {
    // Redis Cluster refuses a cross-slot MGET: one MGET per slot (standalone: just one).
    absl::InlinedVector<std::pair<int, Impl::KvOp*>, 16> by_slot;
    for (std::uint32_t i = 0; i < call->n; ++i) {
      const int slot = cluster ? hash_slot(call->commands[i].key) : 0;
      auto it = std::find_if(by_slot.begin(), by_slot.end(),
                             [&](const auto& e) { return e.first == slot; });
      if (it == by_slot.end()) {
        by_slot.emplace_back(slot, &impl.acquire_op(call, impl.node_of_slot(slot)));
        it = by_slot.end() - 1;
      }
      it->second->indices.push_back(i);
    }
    for (auto& [slot, op] : by_slot) impl.send_kv(*op, nullptr);
    return;
  }
  // A pipeline's commands for one node share a connection, so they run in the order given.
  absl::InlinedVector<RedisConnection*, 8> chosen(impl.nodes.size(), nullptr);
  for (std::uint32_t i = 0; i < call->n; ++i) {
    const KvCommand& c = call->commands[i];
    Impl::KvOp& op = impl.acquire_op(call, impl.node_of_key(c.key));
    op.indices.push_back(i);
    const bool two_keys = c.verb == KvVerb::like_script || c.verb == KvVerb::unlike_script;
    if (cluster && two_keys && hash_slot(c.key) != hash_slot(c.key2)) {
      impl.finish_later(op, ReplyStatus::error);  // what Redis would answer: CROSSSLOT
      continue;
    }
    RedisConnection*& connection = chosen[static_cast<std::size_t>(op.node)];
    if (connection == nullptr) connection = impl.pick_connection(op.node);
    impl.send_kv(op, connection);
  }
}

Task<RedisResult> RedisClient::command(std::vector<std::string> argv, std::string route_key) {
  const int node = route_key.empty() ? 0 : impl_->node_of_slot(hash_slot_of_text(route_key));
  return impl_->raw_command(node, std::move(argv), true);
}

Task<RedisResult> RedisClient::command_on(int node, std::vector<std::string> argv) {
  return impl_->raw_command(node, std::move(argv), false);
}

const std::vector<Endpoint>& RedisClient::nodes() const { return impl_->endpoints; }

int RedisClient::node_of(const KeyId& key) const { return impl_->node_of_key(key); }

int RedisClient::node_of(std::string_view key_text) const {
  return impl_->node_of_slot(hash_slot_of_text(key_text));
}

const RedisClient::NodeStats& RedisClient::node_stats(int node) const {
  return impl_->nodes[static_cast<std::size_t>(node)]->stats;
}

std::size_t RedisClient::in_flight(int node) const {
  std::size_t n = 0;
  for (const auto& c : impl_->nodes[static_cast<std::size_t>(node)]->connections) {
    n += c->in_flight();
  }
  return n;
}

}  // namespace likesim::real
