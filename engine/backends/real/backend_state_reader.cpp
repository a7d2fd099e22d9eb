#include "engine/backends/real/backend_state_reader.h"

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <string_view>
#include <thread>

#include "engine/backends/real/backend_error.h"

namespace likesim::real {
namespace {

struct RedisFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisPtr = std::unique_ptr<redisContext, RedisFree>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// A failed read of one server: its message, without the server's name.
struct ReadFailure {
  std::string what;
};

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

RedisPtr connect(const Endpoint& e, std::chrono::milliseconds timeout) {
  RedisPtr c(redisConnectWithTimeout(e.host.c_str(), e.port, to_timeval(timeout)));
  if (!c) throw ReadFailure{"cannot allocate a connection"};
  if (c->err) throw ReadFailure{std::string("cannot connect: ") + c->errstr};
  redisSetTimeout(c.get(), to_timeval(timeout));
  return c;
}

ReplyPtr command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  ReplyPtr r(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
  if (!r) throw ReadFailure{args[0] + ": " + (c->err ? c->errstr : "no reply")};
  if (r->type == REDIS_REPLY_ERROR) throw ReadFailure{args[0] + ": " + std::string(r->str, r->len)};
  return r;
}

// SCAN-like iteration (SCAN, SSCAN key): calls `each` with every element.
template <class F>
void scan(redisContext* c, std::vector<std::string> args, F each) {
  std::string cursor = "0";
  const std::size_t cursor_at = args.size();
  args.push_back(cursor);
  args.push_back("COUNT");
  args.push_back("1000");
  do {
    args[cursor_at] = cursor;
    ReplyPtr r = command(c, args);
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY) {
      throw ReadFailure{args[0] + ": unexpected reply"};
    }
    cursor.assign(r->element[0]->str, r->element[0]->len);
    const redisReply* items = r->element[1];
    for (std::size_t i = 0; i < items->elements; ++i) {
      each(std::string_view(items->element[i]->str, items->element[i]->len));
    }
  } while (cursor != "0");
}

std::int64_t to_int(std::string_view text, const std::string& what) {
  std::string s(text);
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0') throw ReadFailure{what + ": not an integer: " + s};
  return v;
}

// One node's counters, shards and like sets into `out`.
void read_node(const Endpoint& e, std::chrono::milliseconds timeout, BackendState& out) {
  RedisPtr c = connect(e, timeout);
  std::vector<std::pair<KeyId, std::string>> keys;
  scan(c.get(), {"SCAN"}, [&](std::string_view text) {
    const std::optional<KeyId> k = parse_key(text);
    if (k && k->kind != KeyKind::bloom) keys.emplace_back(*k, std::string(text));
  });
  for (const auto& entry : keys) {  // not a structured binding: clang 14 cannot capture one
    const KeyId& key = entry.first;
    const std::string& text = entry.second;
    if (key.kind == KeyKind::like_set) {
      scan(c.get(), {"SSCAN", text}, [&](std::string_view member) {
        out.add_redis_member(key, static_cast<UserId>(to_int(member, "SSCAN " + text)));
      });
      continue;
    }
    ReplyPtr r = command(c.get(), {"GET", text});
    if (r->type == REDIS_REPLY_NIL) continue;  // deleted since the SCAN
    if (r->type != REDIS_REPLY_STRING) throw ReadFailure{"GET " + text + ": not a string"};
    out.add_redis_value(key, to_int(std::string_view(r->str, r->len), "GET " + text));
  }
}

// The masters of a Cluster, from the first seed that answers CLUSTER NODES.
std::vector<Endpoint> cluster_masters(const std::vector<Endpoint>& seeds,
                                      std::chrono::milliseconds timeout) {
  std::string last_error = "no seed node";
  for (const Endpoint& seed : seeds) {
    try {
      RedisPtr c = connect(seed, timeout);
      ReplyPtr r = command(c.get(), {"CLUSTER", "NODES"});
      if (r->type != REDIS_REPLY_STRING) throw ReadFailure{"CLUSTER NODES: unexpected reply"};
      std::vector<Endpoint> masters;
      std::string_view text(r->str, r->len);
      while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        // <id> <ip:port@cport> <flags> ...
        const std::size_t a = line.find(' ');
        const std::size_t b = line.find(' ', a + 1);
        const std::size_t f = line.find(' ', b + 1);
        if (a == std::string_view::npos || b == std::string_view::npos) continue;
        const std::string_view addr = line.substr(a + 1, b - a - 1);
        const std::string_view flags = line.substr(b + 1, f - b - 1);
        if (flags.find("master") == std::string_view::npos) continue;
        if (flags.find("fail") != std::string_view::npos) continue;
        absl::StatusOr<Endpoint> e = parse_endpoint(addr.substr(0, addr.find('@')));
        if (!e.ok()) throw ReadFailure{"CLUSTER NODES: bad address " + std::string(addr)};
        // A node that lists itself with an empty ip means the address we reached it at.
        if (e->host.empty()) e->host = seed.host;
        masters.push_back(*e);
      }
      if (masters.empty()) throw ReadFailure{"CLUSTER NODES: no master"};
      return masters;
    } catch (const ReadFailure& f) {
      last_error = "redis " + seed.text() + ": " + f.what;
    }
  }
  throw ReadFailure{last_error};
}

void read_postgres(const std::string& conninfo, BackendState& out) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (!c || PQstatus(c.get()) != CONNECTION_OK) {
    std::string msg = c ? PQerrorMessage(c.get()) : "cannot allocate a connection";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    for (char& ch : msg) {
      if (ch == '\n') ch = ' ';
    }
    throw ReadFailure{"cannot connect: " + msg};
  }
  auto rows = [&](const char* sql, auto each) {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      std::string msg = PQerrorMessage(c.get());
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      throw ReadFailure{std::string(sql) + ": " + msg};
    }
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      each(to_int(PQgetvalue(r.get(), i, 0), sql), to_int(PQgetvalue(r.get(), i, 1), sql));
    }
  };
  rows("SELECT post_id, n FROM like_counts",
       [&](std::int64_t post, std::int64_t n) { out.db_counters[static_cast<PostId>(post)] += n; });
  rows("SELECT post_id, user_id FROM likes", [&](std::int64_t post, std::int64_t user) {
    out.add_db_member(static_cast<PostId>(post), static_cast<UserId>(user));
  });
}

// Runs `read` into a fresh state up to `attempts` times; the last failure names `server`.
template <class F>
void with_retries(const StateReaderOptions& o, const std::string& server, F read) {
  std::string last;
  for (int attempt = 0; attempt < std::max(1, o.attempts); ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(o.retry_delay);
    try {
      read();
      return;
    } catch (const ReadFailure& f) {
      last = f.what;
    }
  }
  throw BackendError(server, "final check: cannot read the state after " +
                                 std::to_string(std::max(1, o.attempts)) + " tries: " + last);
}

}  // namespace

BackendState read_backend_state(const StateReaderOptions& o) {
  BackendState state;
  std::vector<Endpoint> nodes = o.redis;
  if (o.cluster) {
    std::string seeds;
    for (const Endpoint& e : o.redis) seeds += (seeds.empty() ? "" : ",") + e.text();
    with_retries(o, "redis cluster " + seeds, [&] { nodes = cluster_masters(o.redis, o.timeout); });
  }
  for (const Endpoint& e : nodes) {
    with_retries(o, "redis " + e.text(), [&] {
      BackendState node;  // a failed try leaves nothing behind
      read_node(e, o.timeout, node);
      for (auto& [k, v] : node.redis_values) state.redis_values[k] += v;
      for (auto& [p, users] : node.redis_likers) {
        UserSet& to = state.redis_likers.try_emplace(p, state.likers_order).first->second;
        users.for_each([&](UserId u) { to.insert(u); });
      }
    });
  }
  with_retries(o, o.pg_name, [&] {
    BackendState db;
    read_postgres(o.pg_conninfo, db);
    state.db_counters = std::move(db.db_counters);
    state.db_likers = std::move(db.db_likers);
  });
  return state;
}

}  // namespace likesim::real
