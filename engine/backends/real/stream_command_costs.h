// measure_stream_command_costs: the Redis Streams commands' server-side service times
// (INFO commandstats usec_per_call) on one real node, for sim::RedisStreamLog's costs.
//
// Loops of XADD, XREADGROUP COUNT 1 / COUNT 16 each followed by the XACK of what it read (so
// the pending list stays small, as in a run), and empty XREADGROUPs, on a scratch stream that
// is deleted afterwards. CONFIG RESETSTAT before each loop (as `likesim calibrate` does).
//
//   StreamCommandCosts s = measure_stream_command_costs(rt, redis, /*node=*/0, 2000);
#pragma once

#include "engine/backends/real/asio_runtime.h"
#include "engine/backends/real/redis_client.h"

namespace likesim::real {

struct StreamCommandCosts {
  double xadd_us = 0;
  double read1_us = 0, read16_us = 0, read_empty_us = 0;  // XREADGROUP of 1, 16, 0 entries
  double ack1_us = 0, ack16_us = 0;                       // XACK of 1, 16 IDs
  // The linear fits the cost model uses (cost_model.h).
  double xread_entry_us() const;
  double xread_base_us() const;
  double xack_id_us() const;
  double xack_base_us() const;
};

// Throws BackendError naming the node if a command fails.
StreamCommandCosts measure_stream_command_costs(AsioRuntime& rt, RedisClient& redis, int node,
                                                int samples);

}  // namespace likesim::real
