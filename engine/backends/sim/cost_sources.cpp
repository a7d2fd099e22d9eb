#include "engine/backends/sim/cost_sources.h"

#include <string>

namespace likesim::sim {

namespace {

constexpr std::string_view kLi14 =
    "published bound: Kreps, 'Benchmarking Apache Kafka: 2 Million Writes Per Second', LinkedIn "
    "2014: 821,557 records/s from one producer = 1.22 us per record end to end; the split is an "
    "assumption";

}  // namespace

const std::vector<CostSource>& unmeasured_cost_defaults() {
  static const std::vector<CostSource> table = {
      {"backends.postgres.pool_size",
       [](const CostModel& c) { return static_cast<double>(c.postgres.pool_size); },
       "assumption: the application's pool, a configuration (real runs open [real] "
       "pg_connections = 16)"},
      {"backends.postgres.insert_us", [](const CostModel& c) { return c.postgres.insert_us; },
       "assumption: calibrate measures insert + commit CPU together (medians 23.5-25.3 us "
       "against insert_us + commit_cpu_us = 35 us) but not yet the split"},
      {"backends.postgres.commit_cpu_us",
       [](const CostModel& c) { return c.postgres.commit_cpu_us; },
       "assumption: see backends.postgres.insert_us"},
      {"backends.kafka.linger_ms", [](const CostModel& c) { return c.kafka.linger_ms; },
       "published: Kafka producer default linger.ms = 5 (Kafka 4.0, KIP-1030)"},
      {"backends.kafka.batch_records",
       [](const CostModel& c) { return static_cast<double>(c.kafka.batch_records); },
       "assumption: Kafka's batch.size = 16384 B holds ~160 100-byte records"},
      {"backends.kafka.broker_append_us",
       [](const CostModel& c) { return c.kafka.broker_append_us; }, kLi14},
      {"backends.kafka.broker_record_us",
       [](const CostModel& c) { return c.kafka.broker_record_us; }, kLi14},
      {"backends.kafka.rtt_us", [](const CostModel& c) { return c.kafka.rtt_us; },
       "assumption: a broker on loopback, as Redis's measured round trip"},
      {"backends.kafka.max_poll_records",
       [](const CostModel& c) { return static_cast<double>(c.kafka.max_poll_records); },
       "published: Kafka consumer default max.poll.records = 500"},
      {"backends.kafka.fetch_us", [](const CostModel& c) { return c.kafka.fetch_us; },
       "assumption: inside Kreps (LinkedIn 2014) 2 ms p50 / 3 ms p99 end-to-end latency"},
      {"backends.kafka.commit_us", [](const CostModel& c) { return c.kafka.commit_us; },
       "assumption: one offset-commit round trip with the broker's write"},
  };
  return table;
}

std::vector<AssumedCost> assumed_costs(const CostModel& used, ServersUsed servers) {
  static const CostModel defaults;
  std::vector<AssumedCost> out;
  for (const CostSource& s : unmeasured_cost_defaults()) {
    const bool server_used = (s.key.starts_with("backends.redis.") && servers.redis) ||
                             (s.key.starts_with("backends.postgres.") && servers.postgres) ||
                             (s.key.starts_with("backends.kafka.") && servers.kafka);
    if (!server_used) continue;
    const double v = s.value(used);
    // A scenario or cost file that set the key (to anything but the default) owns the number.
    if (v != s.value(defaults)) continue;
    out.push_back({std::string(s.key), v, std::string(s.source)});
  }
  return out;
}

}  // namespace likesim::sim
