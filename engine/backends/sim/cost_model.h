// CostModel: the numbers the simulated servers charge, with the source behind each.
//
// Every default says where it comes from: "measured:" a figure measured on this 2-core machine
// against real Redis 7.0 and PostgreSQL 15 (issue "The simulator and the five strategies",
// table "Measured on this machine", or `likesim calibrate`, costs/measured-2026-12-02.toml);
// "published:" a published figure, cited (Kafka: no broker is installable here);
// "assumption:" no measurement supports it. The defaults that are not measured here are also
// listed in cost_sources.cpp, and a run's report names those it used (`assumptions`). A
// scenario overrides any field under [backends.redis], [backends.postgres], [backends.kafka];
// `likesim run --costs FILE` loads a whole measured set (`likesim calibrate --out FILE`).
#pragma once

#include <cstdint>

#include "engine/backends/sim/service_time.h"

namespace likesim::sim {

// The most masters a simulated cluster has: a slot's owner is kept in a byte.
inline constexpr int kMaxClusterNodes = 256;

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
  // BF.ADD / BF.EXISTS with k hashes: real Redis has no Bloom module here, so both worlds run a
  // small script over k SETBIT/GETBIT. Measured (scaled): `likesim calibrate`'s usec_per_call of
  // the Bloom-add EVALSHA was 8.26, 14.61, 14.77 and 12.28 µs in four runs on 2026-12-01 on a
  // shared, loaded machine (the last is costs/measured-2026-12-02.toml), where the like script
  // measured 3.14, 5.60, 5.48 and 3.86 µs: a ratio of 2.63, 2.61, 2.70 and 3.18 (median 2.67).
  // On the quiet machine the like script costs 2.5 µs (above), so the Bloom add costs
  // 2.65 x 2.5 = 6.6 µs. (Bloom exists, 7 GETBIT, measured 1.5x the like
  // script, ~3.9 µs; the simulator charges the add's cost to both.) The old 2.0 was a guess; the
  // 11.7 µs of an earlier calibration was also taken on a loaded machine.
  double bloom_us = 6.6;
  // appendfsync always: one AOF write + fsync of 0.28 ms per event-loop iteration that
  // modified data, on the node's thread, before that iteration's replies are sent (Redis's
  // beforeSleep -> flushAppendOnlyFile); the commands read in one iteration share it
  // (redis_node.h). Measured as +0.28 ms per INCR of one unpipelined client, whose
  // iterations hold one command each.
  double fsync_always_us = 280.0;
  // The own CPU of an event-loop iteration after which the thread sleeps (beforeSleep, into
  // epoll_wait and out again), paid after its replies when no request waits at its end
  // (redis_node.h); a busy thread reads on at once. With it the node runs the iteration model
  // under every appendfsync setting. 0 here: the defaults' request_us was measured one request
  // per iteration (an unpipelined client), so it already holds this cost. `likesim calibrate`
  // measures it from Redis's own CPU (INFO cpu, main thread) over paced GETs, one request per
  // iteration.
  double iteration_us = 0.0;
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
  // Deterministic unless a scenario or cost file asks otherwise; `empirical` draws service
  // times and round trips from the measured shapes (`likesim calibrate` writes
  // service_quantiles / rtt_us_quantiles), each scaled to its mean above.
  ServiceDistribution distribution = ServiceDistribution::deterministic;
  EmpiricalShape rtt_shape;      // rtt_us_quantiles
  EmpiricalShape service_shape;  // service_quantiles
};

struct PostgresCosts {
  // Backend connections in the application's pool (all app servers together); statements
  // queue for a connection, and a wait longer than pool_timeout_ms is rejected unsent.
  // Assumption: a configuration, not a measurement (a real run opens [real] pg_connections,
  // 16 by default; the server here allows max_connections = 200).
  int pool_size = 64;
  double pool_timeout_ms = 1000.0;
  // CPU cores the server's backends share. Measured: nproc = 2 on this machine.
  int cpu_cores = 2;
  // Measured: sequential SELECT 1 took a median of 19.8, 21.5 and 21.6 µs in three runs of
  // `likesim calibrate` on 2026-12-01 (their means, 104-264 µs, are a loaded machine's
  // preemptions; the median is the unloaded round trip).
  double rtt_us = 20.0;
  // Per-statement CPU: UPDATE of one hot row with synchronous_commit off, one client, ran at
  // 22 k tx/s => 45 µs per transaction = rtt + statement + commit CPU (measured); statement_us
  // is what is left of the 45 µs after rtt_us and commit_cpu_us (so it carries the latter's
  // assumption).
  double statement_us = 20.0;  // exists / counter_read / counter_add / offset guard
  // insert / delete of a like row (index maintenance), and the commit's CPU. Assumptions: the
  // split is not measured. `likesim calibrate` measures insert + commit together as an
  // autocommit insert minus SELECT 1 (medians 23.5 and 25.3 µs in two runs, PQexec so parse
  // included, against 35 µs here), but its split (insert in and out of an open transaction) gave
  // commit 14.8 and 20.8 µs, insert 10.5 and 2.7 µs on the loaded machine: not yet a figure.
  double insert_us = 30.0;
  double commit_cpu_us = 5.0;
  // COUNT(*) of one post: 4.7 ms for 100 k rows, 49 ms for 1 M => 47 ns per row.
  double count_base_us = 20.0;
  double count_per_row_ns = 47.0;
  // Commit with synchronous_commit = on waits for a WAL flush. Group commit: every commit
  // waiting when a flush starts is made durable by it. Hot row, 1 client, sync on: 0.33 ms per
  // transaction => flush ~ 0.33 ms - 45 µs.
  double wal_flush_us = 285.0;
  // The commits a flush made durable wake up one after another (the WALWriteLock's waiters,
  // then ProcArrayLock to end each transaction), wal_wake_us each after the first, and the
  // WAL is flushed again only after the last: a flush's cycle grows with its group. Measured
  // here (pgbench inserts, 2026-12-02, pg_stat_wal): a flush every 256 us at 1 client (1
  // commit each), 215 us at 4 (1.9), 395 us at 16 (5.8), 1.2 ms at 64 (14): ~150 us + 65 us
  // per commit; meanwhile synchronous_commit on cost 105 us of the machine's CPU per
  // transaction against 54 off, the CPUs 77 % busy at 16 clients: mostly waiting, not CPU, so
  // it holds no CPU here. 0 in the defaults: their flush figure is one client's. `likesim
  // calibrate` fits it to inserts at 32 clients.
  double wal_wake_us = 0.0;
  bool synchronous_commit = true;
  // Contention overhead on a hot row lock (wake-ups, re-checking the updated tuple), charged
  // to the holder per transaction queued ahead of it. Sync on, the hot row fell from 3,059
  // (1 client) to 2,169 (8) and 1,278 tx/s (32): ~15 µs per waiter. Sync off it fell from
  // 24 k (8) to 14 k tx/s (32): ~1.25 µs per waiter.
  double lock_handoff_us = 15.0;
  double lock_handoff_async_us = 1.25;
  // The contention charged is handoff x ahead^lock_contention_exponent. 1 (linear in the
  // transactions ahead) is what the three points above give; `likesim calibrate` fits
  // lock_handoff_us and this exponent together to the hot row at 2, 8 and 32 clients.
  double lock_contention_exponent = 1.0;
  // Which waiter a released counter / offset row goes to. Measured: the hot row's closed
  // loops here (sync on, 2026-12-02) have p50 = 0.64-0.72 and p99 = 4.9-5.9 times the mean
  // latency at 4, 16 and 64 clients, where FIFO gives ~1 and ~1 and service in random order
  // gives ln 2 = 0.69 and ln 100 = 4.6. Why: each UPDATE writes a new tuple version, the
  // waiters queue on the old version's tuple lock and each one woken re-follows the update
  // chain, so who reaches the newest version first is not who asked first. `likesim
  // calibrate` decides it from its own 8- and 32-client points. Like rows (an INSERT waiting
  // for another's outcome) keep request order.
  enum class LockGrant : std::uint8_t { fifo, random } lock_grant = LockGrant::random;
  // As RedisCosts::distribution: deterministic unless asked; empirical uses the shapes.
  ServiceDistribution distribution = ServiceDistribution::deterministic;
  EmpiricalShape rtt_shape;      // rtt_us_quantiles
  EmpiricalShape service_shape;  // service_quantiles
};

// No Kafka broker is installable here, so no Kafka cost is measured on this machine. The
// published figures they are checked against:
//  [LI14] J. Kreps, "Benchmarking Apache Kafka: 2 Million Writes Per Second (On Three Cheap
//         Machines)", LinkedIn Engineering blog, 2014 (6-core 2.5 GHz Xeon brokers, 1 GbE):
//         one producer thread, no replication, 100-byte records: 821,557 records/s (78.3 MB/s);
//         3 async replicas: 786,980 records/s; end-to-end latency 2 ms p50, 3 ms p99, 14 ms
//         p99.9.
//  [CF]   Confluent, "Apache Kafka Performance" (developer.confluent.io/learn/kafka-performance):
//         605 MB/s peak throughput, 5 ms p99 latency at 200 MB/s.
//  [KDOC] Apache Kafka client configuration: linger.ms = 5 ms (the default since Kafka 4.0,
//         KIP-1030; 0 before), batch.size = 16384 bytes, max.poll.records = 500.
struct KafkaCosts {
  int partitions = 12;  // assumption: a topic layout, the scenario's choice
  // Producer: a record is sent when its batch fills or linger expires; the append is
  // acknowledged after the broker writes the batch.
  double linger_ms = 5.0;    // published: [KDOC] linger.ms default
  int batch_records = 1000;  // assumption: [KDOC] batch.size 16384 B holds ~160 100-byte records
  // Assumption: per produce request (one batch). [LI14]'s 821,557 records/s from one producer
  // bounds the whole per-record path (client + network + broker) at 1.22 µs.
  double broker_append_us = 50.0;
  double broker_record_us = 0.5;  // assumption, under [LI14]'s 1.22 µs per record bound
  double rtt_us = 20.0;           // assumption: a broker on loopback like Redis's rtt_us
  // Consumers: a poll returns up to max_poll_records, waiting up to poll_timeout_ms for data.
  int max_poll_records = 500;      // published: [KDOC] max.poll.records default
  double poll_timeout_ms = 100.0;  // assumption: the application's poll(timeout)
  // Assumption: per poll that returns data; [LI14]'s 2 ms end-to-end p50 includes it.
  double fetch_us = 50.0;
  double commit_us = 100.0;  // assumption: offset commit round trip
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
