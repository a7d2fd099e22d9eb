#include "engine/plan/hot_key_knee.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <variant>
#include <vector>

#include "engine/backends/key.h"
#include "engine/backends/sim/redis_cluster.h"
#include "engine/core/scheduler.h"

namespace likesim {
namespace {

// Per hot like: the work (µs) and requests each node gets.
class NodeLoad {
 public:
  NodeLoad(const sim::RedisCosts& costs)
      : costs_(costs),
        cluster_(scheduler_, costs, 0),
        us_(cluster_.nodes()),
        requests_(cluster_.nodes()) {}

  int node_of(const KeyId& key) const { return cluster_.node_of(key); }
  int nodes() const { return cluster_.nodes(); }
  // One request of `service_us` (beyond request_us) to `key`'s node, sent by `share` of likes.
  void add(const KeyId& key, double service_us, double share) {
    add_to(node_of(key), service_us, share);
  }
  void add_to(int node, double service_us, double share) {
    us_[static_cast<std::size_t>(node)] += share * (costs_.request_us + service_us);
    requests_[static_cast<std::size_t>(node)] += share;
  }
  // A request on a like's path: its unloaded latency adds up.
  void on_path(double service_us) { path_us_ += costs_.rtt_us + costs_.request_us + service_us; }
  // The count read's MGET of `keys`: one MGET per hash slot, as the cluster client sends it.
  void add_mget(const std::vector<KeyId>& keys, double share) {
    std::map<int, int> per_slot;
    for (const KeyId& k : keys) ++per_slot[hash_slot(k)];
    for (const auto& [slot, n] : per_slot) {
      add_to(cluster_.node_of_slot(slot), costs_.mget_base_us + n * costs_.mget_per_key_us, share);
    }
  }

  const std::vector<double>& us() const { return us_; }
  const std::vector<double>& requests() const { return requests_; }
  double path_us() const { return path_us_; }

 private:
  const sim::RedisCosts& costs_;
  Scheduler scheduler_;
  sim::RedisCluster cluster_;
  std::vector<double> us_, requests_;
  double path_us_ = 0;
};

// The like's SADD on one of the post's dedup sets (redis_set dedup).
std::string add_set_dedup(NodeLoad& load, const sim::RedisCosts& c, PostId post, int shards) {
  if (shards <= 1) {
    load.add(KeyId::like_set(post), c.set_command_us, 1);
  } else {
    for (int s = 1; s <= shards; ++s) {
      load.add(KeyId::like_set_shard(post, static_cast<std::uint16_t>(s)), c.set_command_us,
               1.0 / shards);
    }
  }
  load.on_path(c.set_command_us);
  return shards <= 1 ? "SADD on the post's set"
                     : "SADD on 1 of " + std::to_string(shards) + " sets";
}

// Fills `load` with the hot like's path and the hot post's count reads; false and `why` when
// the strategy's like path is not Redis alone.
bool lay_out(const StrategyConfig& config, const sim::RedisCosts& c, PostId post,
             double reads_per_like, NodeLoad& load, std::string& path, std::string& why) {
  const std::string kind = config.kind;
  if (const auto* k = std::get_if<ShardedCounterKnobs>(&config.knobs)) {
    if (k->dedup == DedupMethod::lua_atomic) {  // one script; every shard shares the set's slot
      load.add(KeyId::like_set(post), c.script_us, 1);
      load.on_path(c.script_us);
      path = "one script (SADD + INCRBY) on the post's node";
    } else if (k->dedup == DedupMethod::redis_set) {
      path = add_set_dedup(load, c, post, k->dedup_shards);
      for (int s = 0; s < k->shards; ++s) {
        load.add(KeyId::shard_key(post, static_cast<std::uint16_t>(s), k->hash_tag), c.command_us,
                 1.0 / k->shards);
      }
      load.on_path(c.command_us);
      path += " + INCRBY on 1 of " + std::to_string(k->shards) + " counter shards";
    } else {
      why = "dedup = " + std::string(dedup_name(k->dedup)) + " puts PostgreSQL on the like path";
      return false;
    }
    if (k->cache_ttl_ms <= 0) {
      std::vector<KeyId> keys;
      for (int s = 0; s < k->shards; ++s) {
        keys.push_back(KeyId::shard_key(post, static_cast<std::uint16_t>(s),
                                        k->hash_tag || k->dedup == DedupMethod::lua_atomic));
      }
      load.add_mget(keys, reads_per_like);
      path += "; count reads MGET every shard";
    } else {
      path += "; count reads cached";
    }
    return true;
  }
  if (const auto* k = std::get_if<SingleCounterKnobs>(&config.knobs)) {
    if (k->store != CounterStore::redis) {
      why =
          "the counter is a PostgreSQL row: its lock hand-off and group commit are not one "
          "M/D/1 server";
      return false;
    }
    if (k->dedup == DedupMethod::lua_atomic) {
      load.add(KeyId::like_set(post), c.script_us, 1);
      load.on_path(c.script_us);
      path = "one script (SADD + INCR) on the post's node";
    } else if (k->dedup == DedupMethod::redis_set) {
      path = add_set_dedup(load, c, post, k->dedup_shards) + " + INCRBY on the counter";
      load.add(KeyId::counter(post), c.command_us, 1);
      load.on_path(c.command_us);
    } else {
      why = "dedup = " + std::string(dedup_name(k->dedup)) + " puts PostgreSQL on the like path";
      return false;
    }
    load.add(KeyId::counter(post), c.command_us, reads_per_like);
    path += "; count reads GET the counter";
    return true;
  }
  if (const auto* k = std::get_if<WriteBufferedKnobs>(&config.knobs)) {
    if (k->dedup != DedupMethod::redis_set) {
      why = "dedup = " + std::string(dedup_name(k->dedup)) + " is not a Redis set";
      return false;
    }
    path = add_set_dedup(load, c, post, k->dedup_shards) + " (deltas flushed in batches)";
    if (k->store == CounterStore::redis) {
      load.add(KeyId::counter(post), c.command_us, reads_per_like);
      path += "; count reads GET the counter";
    }
    return true;
  }
  why = kind == "async_log" ? "likes go through the log: its consumers, not one key, set the limit"
                            : "every count is a COUNT(*) in PostgreSQL";
  return false;
}

}  // namespace

double md1_wait_quantile(double lambda, double d, double q) {
  const double rho = lambda * d;
  if (rho <= 0) return 0;
  if (rho >= 1) return INFINITY;
  // gamma d = x solves rho (e^x - 1) = x, x > 0 (the adjustment coefficient).
  auto f = [&](double x) { return rho * std::expm1(x) - x; };
  double lo = 0, hi = 1;
  while (f(hi) <= 0) hi *= 2;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (f(mid) > 0 ? hi : lo) = mid;
  }
  const double x = (lo + hi) / 2, gamma = x / d;
  const double c = (1 - rho) / (rho * std::exp(x) - 1);  // P(W > t) ~ c e^{-gamma t}
  const double tail = 1 - q;
  return c <= tail ? 0 : std::log(c / tail) / gamma;
}

double md1_rate_for_wait(double d, double wait_s, double q) {
  double lo = 0, hi = 1 / d;  // the quantile grows with the rate, without bound near 1 / d
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (md1_wait_quantile(mid, d, q) > wait_s ? hi : lo) = mid;
  }
  return lo;
}

HotKeyKnee hot_key_knee(const Scenario& scenario, const StrategyConfig& config) {
  HotKeyKnee k;
  if (scenario.workload.kind != "celebrity") {
    k.why_not = "no analytic knee for a " + scenario.workload.kind +
                " workload (only a celebrity post's like rate has one hot key)";
    return k;
  }
  const CelebrityConfig& cel = scenario.workload.celebrity;
  const PostId post = cel.post != 0 ? cel.post : scenario.workload.steady.posts + 1;
  const sim::RedisCosts& c = scenario.costs.redis;
  NodeLoad load(c);
  std::string why;
  if (!lay_out(config, c, post, std::max(cel.reads_per_like, 0.0), load, k.path, why)) {
    k.why_not = "no analytic knee for " + config.kind + ": " + why;
    return k;
  }
  const std::vector<double>& us = load.us();
  k.nodes = load.nodes();
  k.node = static_cast<int>(std::max_element(us.begin(), us.end()) - us.begin());
  k.us_per_like = us[static_cast<std::size_t>(k.node)];
  k.requests_per_like = load.requests()[static_cast<std::size_t>(k.node)];
  if (k.us_per_like <= 0 || k.requests_per_like <= 0) {
    k.why_not = "no analytic knee for " + config.kind + ": no Redis work per like";
    return k;
  }
  k.available = true;
  k.service_us = k.us_per_like / k.requests_per_like;
  k.capacity = 1e6 / k.us_per_like;
  k.unloaded_latency_us = load.path_us();
  k.knee = k.capacity;
  for (const SloSpec& s : scenario.slos) {
    if (s.name == "like_p99_ms") k.latency_limit_ms = s.limit;
  }
  const double wait_s = k.latency_limit_ms / 1000 - k.unloaded_latency_us / 1e6;
  if (k.latency_limit_ms > 0 && wait_s > 0) {
    // The node's requests arrive at rate likes x requests_per_like.
    k.knee = md1_rate_for_wait(k.service_us / 1e6, wait_s, 0.99) / k.requests_per_like;
  }
  return k;
}

}  // namespace likesim
