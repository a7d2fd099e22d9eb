// read_backend_state: the final check's reader of the real servers — synchronous hiredis and
// libpq connections of its own, apart from the strategy's clients, so what it reads is what the
// servers hold, not what a strategy's client believes.
//
// Redis: SCAN every node (on a Cluster every master, found with CLUSTER NODES), GET each
// counter and counter-shard key, SSCAN each like set; keys parse_key does not know (streams)
// and Bloom bits are skipped. PostgreSQL: `SELECT post_id, n FROM like_counts` and
// `SELECT post_id, user_id FROM likes`. Each server is read up to `attempts` times; one that
// still fails throws BackendError naming it ("redis 127.0.0.1:7001: ..."), never a 0.
//
//   StateReaderOptions o{.redis = nodes, .cluster = false, .pg_conninfo = conninfo};
//   BackendState s = read_backend_state(o);
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "engine/backends/backend_state.h"
#include "engine/backends/real/endpoint.h"

namespace likesim::real {

struct StateReaderOptions {
  std::vector<Endpoint> redis;  // the standalone node, or the Cluster's seed nodes
  bool cluster = false;
  std::string pg_conninfo;
  std::string pg_name = "postgres";  // how messages name it (PostgresClient::name())
  int attempts = 3;
  std::chrono::milliseconds timeout{5000};     // per connection and per reply
  std::chrono::milliseconds retry_delay{200};  // between attempts
};

BackendState read_backend_state(const StateReaderOptions& options);

}  // namespace likesim::real
