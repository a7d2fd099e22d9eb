// CostModel: the numbers the simulated servers charge, with the measurement behind each.
//
// Defaults come from the figures measured on this 2-core machine against real Redis 7 and
// PostgreSQL 15 (issue "The simulator and the five strategies", table "Measured on this
// machine"); the derivation of each is beside it. A scenario overrides any field under
// [backends.redis], [backends.postgres], [backends.kafka]; `likesim calibrate` (issue 3) will
// write these from fresh measurements.
#pragma once

#include <cstdint>

namespace likesim::sim {

enum class ServiceDistribution : std::uint8_t {
  deterministic,  // every operation costs exactly its mean
  exponential,    // exponential around the mean (M/M/1-style queues)
};

struct RedisCosts {
  int nodes = 1;  // cluster masters; keys are placed by hash slot
  // One client request's round trip on loopback without server work: 31 µs measured round trip
  // minus ~12 µs of server time.
  double rtt_us = 19.0;
  // Per request (read + parse + write syscalls), paid once per single call, pipeline or MGET:
  // no pipelining, 49 k req/s used 0.6 core => ~12 µs per request; minus the command itself.
  double request_us = 11.2;
  // Per O(1) command (GET/SET/INCRBY/DEL/SISMEMBER): pipeline 16 reached 780 k/s on one core
  // => 1.28 µs per command including request_us/16 = 0.7 µs.
  double command_us = 0.58;
  // SADD/SREM on a large set: 559 k/s pipelined => 1.79 µs - 0.7 µs.
  double set_command_us = 1.1;
  // MGET of n keys costs mget_base_us + n * mget_per_key_us: MGET 10 at 390 k/s => 2.56 µs.
  double mget_base_us = 0.6;
  double mget_per_key_us = 0.13;
  // A Lua script (SADD + INCR, EVALSHA): 308 k/s pipelined => 3.25 µs - 0.7 µs.
  double script_us = 2.5;
  // BF.ADD / BF.EXISTS with k hashes: a small script over k SETBIT/GETBIT.
  double bloom_us = 2.0;
  // appendfsync always: one AOF write + fsync of 0.28 ms per event-loop iteration that
  // modified data, on the node's thread, before that iteration's replies are sent (Redis's
  // beforeSleep -> flushAppendOnlyFile); the commands read in one iteration share it
  // (redis_node.h). Measured as +0.28 ms per INCR of one unpipelined client, whose
  // iterations hold one command each.
  double fsync_always_us = 280.0;
  // Redis Streams (sim::RedisStreamLog), INFO commandstats usec_per_call on this machine's
  // Redis 7.0 (127.0.0.1:7001, AOF on), pipelined through redis-cli --pipe, 3 rounds each:
  // XADD of a 3-field entry: 0.60, 0.56, 0.57 over 20,000 calls.
  double xadd_us = 0.57;
  // XREADGROUP (and XAUTOCLAIM, assumed alike) delivering n >= 1 entries: xread_base_us +
  // n * xread_entry_us; an empty one: xread_empty_us. Each read acknowledged before the next,
  // so the PEL stays small as in a run: COUNT 1 3.32, 3.24, 3.33; COUNT 50 42.1, 42.3, 55.8;
  // empty 5.13, 1.28, 1.35 (medians 3.3, 42.3, 1.35) => per entry (42.3 - 3.3) / 49 = 0.80,
  // base 3.3 - 0.8 = 2.5. (With 17,000 entries pending, COUNT 50 cost 190-330: a large PEL
  // is slower; a run acknowledges within a batch or two.)
  double xread_base_us = 2.5;
  double xread_entry_us = 0.80;
  double xread_empty_us = 1.35;
  // XACK of n IDs: xack_base_us + n * xack_id_us; 1 ID 0.23, 0.20, 0.21; 50 IDs 9.87, 10.46,
  // 9.96 => per ID (9.96 - 0.21) / 49 = 0.20, base 0.01.
  double xack_base_us = 0.01;
  double xack_id_us = 0.20;
  // `off`: no AOF at all (a real node restarts empty). The simulator charges off, no and
  // everysec alike; a real run applies the setting to the servers (CONFIG SET).
  enum class Appendfsync : std::uint8_t {
    no,
    everysec,
    always,
    off
  } appendfsync = Appendfsync::everysec;
  // A client-side timeout: the command is answered `timeout` (it may still run later).
  double timeout_ms = 1000.0;
  ServiceDistribution distribution = ServiceDistribution::deterministic;
};

struct PostgresCosts {
  // Backend connections in the application's pool (all app servers together); statements
  // queue for a connection, and a wait longer than pool_timeout_ms is rejected unsent.
  int pool_size = 64;
  double pool_timeout_ms = 1000.0;
  // CPU cores the server's backends share.
  int cpu_cores = 2;
  double rtt_us = 20.0;
  // Per-statement CPU: UPDATE of one hot row with synchronous_commit off, one client, ran at
  // 22 k tx/s => 45 µs per transaction = rtt + statement + commit CPU.
  double statement_us = 20.0;  // exists / counter_read / counter_add / offset guard
  double insert_us = 30.0;     // insert / delete of a like row (index maintenance)
  double commit_cpu_us = 5.0;
  // COUNT(*) of one post: 4.7 ms for 100 k rows, 49 ms for 1 M => 47 ns per row.
  double count_base_us = 20.0;
  double count_per_row_ns = 47.0;
  // Commit with synchronous_commit = on waits for a WAL flush. Group commit: every commit
  // waiting when a flush starts is made durable by it. Hot row, 1 client, sync on: 0.33 ms per
  // transaction => flush ~ 0.33 ms - 45 µs.
  double wal_flush_us = 285.0;
  bool synchronous_commit = true;
  // Contention overhead on a hot row lock (wake-ups, re-checking the updated tuple), charged
  // to the holder per transaction queued ahead of it. Sync on, the hot row fell from 3,059
  // (1 client) to 2,169 (8) and 1,278 tx/s (32): ~15 µs per waiter. Sync off it fell from
  // 24 k (8) to 14 k tx/s (32): ~1.25 µs per waiter.
  double lock_handoff_us = 15.0;
  double lock_handoff_async_us = 1.25;
  ServiceDistribution distribution = ServiceDistribution::deterministic;
};

struct KafkaCosts {
  int partitions = 12;
  // Producer: a record is sent when its batch fills or linger expires; the append is
  // acknowledged after the broker writes the batch.
  double linger_ms = 5.0;
  int batch_records = 1000;
  double broker_append_us = 50.0;  // per produce request (one batch)
  double broker_record_us = 0.5;   // per record in it
  double rtt_us = 20.0;
  // Consumers: a poll returns up to max_poll_records, waiting up to poll_timeout_ms for data.
  int max_poll_records = 500;
  double poll_timeout_ms = 100.0;
  double fetch_us = 50.0;    // per poll that returns data
  double commit_us = 100.0;  // offset commit round trip
};

// The log a simulation runs (scenario key backends.log.kind): Kafka (sim::KafkaLog) or
// Redis Streams on the simulated Redis nodes (sim::RedisStreamLog, what `--backend real`
// always runs). Both read partitions, max_poll_records and poll_timeout_ms from [backends.kafka].
enum class LogKind : std::uint8_t { kafka, redis_streams };

struct CostModel {
  RedisCosts redis;
  PostgresCosts postgres;
  KafkaCosts kafka;
  LogKind log = LogKind::kafka;
};

}  // namespace likesim::sim
