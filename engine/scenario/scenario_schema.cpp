#include "engine/scenario/scenario_schema.h"

#include <cstdio>
#include <stdexcept>

#include "engine/backends/sim/cost_model.h"

namespace likesim {
namespace {

// The ranges, and why each bound is where it is. Every bound is finite, so no key takes inf,
// nan or 1e300, and every duration converts to nanoseconds without overflow (sim_time.h);
// where a zero duration would make a loop wake at one instant forever, the lower bound is
// above zero (and >= 1 ns after conversion).
constexpr double kDay = 86400;
constexpr double kMaxRunS = 30 * kDay;       // 30 days of simulated time
constexpr double kHourMs = 3'600'000;        // one hour in ms: the histograms' top (1 h)
constexpr double kMaxRate = 1e9;             // requests per second
constexpr double kMaxCount = 1e15;           // counts of likes in an SLO
constexpr double kMaxU32 = 4'294'967'295.0;  // post and user ids are uint32
constexpr double kMaxI64 = 9'223'372'036'854'775'807.0;  // rounds up to 2^63; see ValueReader

constexpr NumericRange real(double lo, double hi) { return {lo, hi, false, false, false}; }
constexpr NumericRange positive(double hi) { return {0, hi, false, true, false}; }
constexpr NumericRange integer(double lo, double hi) { return {lo, hi, true, false, false}; }

// A run: at least 1 ms, at most 30 days.
constexpr NumericRange kRunSeconds = real(0.001, kMaxRunS);
// A moment or span inside a run (warm-up, burst phases, a crash's downtime): 0 is allowed.
constexpr NumericRange kOffsetSeconds = real(0, kMaxRunS);
// A client timeout: 1 µs .. 1 h (0 would time out every call before it is sent).
constexpr NumericRange kTimeoutMs = real(0.001, kHourMs);
// A loop's period (a consumer's empty poll, a write buffer's flush): 10 µs .. 1 h. Zero makes
// the loop spin at one instant; below 10 µs a run crawls without being any more exact.
constexpr NumericRange kPeriodMs = real(0.01, kHourMs);
// A delay that may be zero (linger, a retry's mean delay, a cache TTL: 0 = none).
constexpr NumericRange kDelayMs = real(0, kHourMs);
// A service time or round trip in µs: 0 (free) .. 10 s.
constexpr NumericRange kCostUs = real(0, kMaxCostUs);
constexpr NumericRange kRate = real(0, kMaxRate);
constexpr NumericRange kFraction = real(0, 1);
// Shard ids are uint16 (KeyId::shard_key, like_set_shard).
constexpr NumericRange kShards = integer(1, 65535);
// Servers, consumers and connections a run builds one object (or thread, or socket) each for.
constexpr NumericRange kComponents = integer(1, 1024);
constexpr NumericRange kBatch = integer(1, 1'000'000);
// SLO limits: latencies up to 30 days in ms, counts up to 1e15.
constexpr NumericRange kSloMs = real(0, kMaxRunS * 1000);
constexpr NumericRange kSloCount = real(0, kMaxCount);

constexpr NumericKey kKeys[] = {
    {"", "seed", integer(0, kMaxI64)},
    {"", "duration_s", kRunSeconds},
    {"", "warmup_s", kOffsetSeconds},  // and < duration_s
    {"", "drain_timeout_s", kRunSeconds},
    // Time-series resolution: 1 ms .. 1 h, and at most kMaxIntervals intervals per run.
    {"", "interval_ms", real(1, kHourMs)},

    {"workload", "retry_fraction", kFraction},
    {"workload", "retry_delay_ms", kDelayMs},
    {"workload.steady", "writes_per_s", kRate},
    {"workload.steady", "reads_per_s", kRate},
    {"workload.steady", "posts", integer(1, kMaxU32 - 1)},  // the hot post may be posts + 1
    {"workload.steady", "zipf_s", positive(10)},            // > 10: every read hits post 1
    {"workload.steady", "users", integer(1, kMaxU32)},
    {"workload.steady", "unlike_fraction", kFraction},
    {"workload.steady", "status_fraction", kFraction},  // status + batch <= 1
    {"workload.steady", "batch_fraction", kFraction},
    {"workload.steady", "batch_size", integer(1, 100)},  // kMaxBatchPosts (model/request.h)
    {"workload.celebrity", "post", integer(0, kMaxU32)},
    {"workload.celebrity", "start_s", kOffsetSeconds},
    {"workload.celebrity", "ramp_s", kOffsetSeconds},
    {"workload.celebrity", "hold_s", kOffsetSeconds},
    {"workload.celebrity", "decay_s", kOffsetSeconds},
    {"workload.celebrity", "peak_likes_per_s", kRate},
    {"workload.celebrity", "reads_per_like", real(0, 1000)},
    // The kernels' parameters: finite, positive; theta > 0 keeps the tail integrable.
    {"workload.hawkes", "seismic_c", positive(1e6)},
    {"workload.hawkes", "seismic_s0_s", positive(kMaxRunS)},
    {"workload.hawkes", "seismic_theta", positive(100)},
    {"workload.hawkes", "power_law_c_s", positive(kMaxRunS)},
    {"workload.hawkes", "power_law_theta", positive(100)},
    // n* >= 1 is supercritical: a cascade would never end.
    {"workload.hawkes", "branching", {0, 1, false, false, true}},
    {"workload.hawkes", "mark_alpha", real(0, 100)},  // 0 = unmarked; else > mark_beta
    {"workload.hawkes", "mark_beta", real(0, 100)},
    {"workload.hawkes", "horizon_s", positive(365 * kDay)},
    {"workload.hawkes", "rate_multiplier", real(1e-3, 1e9)},
    {"workload.hawkes", "cascades_per_s", kRate},
    {"workload.hawkes", "first_cascade_s", kOffsetSeconds},
    {"workload.hawkes", "size_alpha", positive(100)},
    {"workload.hawkes", "size_min", real(1, 1e9)},
    {"workload.hawkes", "size_max", real(1, 1e9)},  // >= size_min
    {"workload.hawkes", "size_scale", positive(1e6)},
    {"workload.hawkes", "first_post", integer(0, kMaxU32)},
    {"workload.hawkes", "reads_per_like", real(0, 1000)},
    {"workload.replay", "compress", real(1e-6, 1e9)},
    {"workload.replay", "replicate", integer(1, 1'000'000)},
    {"workload.replay", "jitter_s", kOffsetSeconds},
    {"workload.replay", "reads_per_like", real(0, 1000)},
    {"workload.replay", "first_post", integer(0, kMaxU32)},
    {"workload.flash", "at_s", kOffsetSeconds},
    {"workload.flash", "factor", real(0, 1e6)},
    {"workload.flash", "for_s", kOffsetSeconds},  // 0 = to the end of the run
    {"workload.churn", "fraction", kFraction},
    {"workload.churn", "unlike_after_s", kOffsetSeconds},
    {"workload.churn", "relike_fraction", kFraction},
    {"workload.churn", "relike_after_s", kOffsetSeconds},
    {"workload.client", "timeout_ms", real(0, kHourMs)},  // 0 = no client timeout
    {"workload.client", "max_attempts", integer(1, 100)},
    {"workload.client", "backoff_ms", kDelayMs},
    {"workload.client", "multiplier", real(1, 100)},
    {"workload.client", "max_backoff_ms", kDelayMs},
    {"workload.client", "jitter", kFraction},
    {"workload.client", "budget", real(0, 100)},

    // The simulated cluster's ceiling (sim::kMaxClusterNodes): a larger value would run fewer
    // nodes than the report says.
    {"backends.redis", "nodes", integer(1, sim::kMaxClusterNodes)},
    {"backends.redis", "rtt_us", kCostUs},
    {"backends.redis", "request_us", kCostUs},
    {"backends.redis", "command_us", kCostUs},
    {"backends.redis", "set_command_us", kCostUs},
    {"backends.redis", "mget_base_us", kCostUs},
    {"backends.redis", "mget_per_key_us", kCostUs},
    {"backends.redis", "script_us", kCostUs},
    {"backends.redis", "bloom_us", kCostUs},
    {"backends.redis", "fsync_always_us", kCostUs},
    {"backends.redis", "iteration_us", kCostUs},
    {"backends.redis", "xadd_us", kCostUs},
    {"backends.redis", "xread_base_us", kCostUs},
    {"backends.redis", "xread_entry_us", kCostUs},
    {"backends.redis", "xread_empty_us", kCostUs},
    {"backends.redis", "xack_base_us", kCostUs},
    {"backends.redis", "xack_id_us", kCostUs},
    {"backends.redis", "timeout_ms", kTimeoutMs},
    {"backends.postgres", "pool_size", integer(1, 10000)},
    {"backends.postgres", "pool_timeout_ms", kTimeoutMs},
    {"backends.postgres", "cpu_cores", kComponents},
    {"backends.postgres", "rtt_us", kCostUs},
    {"backends.postgres", "statement_us", kCostUs},
    {"backends.postgres", "insert_us", kCostUs},
    {"backends.postgres", "commit_cpu_us", kCostUs},
    {"backends.postgres", "count_base_us", kCostUs},
    {"backends.postgres", "count_per_row_ns", real(0, 1e6)},  // 1 ms per row
    {"backends.postgres", "wal_flush_us", kCostUs},
    {"backends.postgres", "wal_wake_us", kCostUs},
    {"backends.postgres", "lock_handoff_us", kCostUs},
    {"backends.postgres", "lock_handoff_async_us", kCostUs},
    {"backends.postgres", "lock_contention_exponent", real(0, 4)},
    {"backends.kafka", "partitions", kComponents},
    {"backends.kafka", "linger_ms", kDelayMs},  // 0: Kafka's own default, send at once
    {"backends.kafka", "batch_records", kBatch},
    {"backends.kafka", "broker_append_us", kCostUs},
    {"backends.kafka", "broker_record_us", kCostUs},
    {"backends.kafka", "rtt_us", kCostUs},
    {"backends.kafka", "max_poll_records", kBatch},
    {"backends.kafka", "poll_timeout_ms", kPeriodMs},
    {"backends.kafka", "fetch_us", kCostUs},
    {"backends.kafka", "commit_us", kCostUs},

    {"real", "redis_connections", integer(1, 256)},  // per node
    {"real", "pg_connections", integer(1, 1000)},

    {"strategy.single_counter", "dedup_shards", kShards},
    {"strategy.sharded_counter", "shards", kShards},
    {"strategy.sharded_counter", "cache_ttl_ms", kDelayMs},
    {"strategy.sharded_counter", "hot_likes_per_s", kRate},
    {"strategy.sharded_counter", "cool_likes_per_s", kRate},  // <= hot_likes_per_s
    {"strategy.sharded_counter", "dedup_shards", kShards},
    {"strategy.write_buffered", "app_servers", kComponents},
    {"strategy.write_buffered", "flush_interval_ms", kPeriodMs},
    {"strategy.write_buffered", "dedup_shards", kShards},
    {"strategy.async_log", "consumers", kComponents},
    {"strategy.async_log", "max_batch", kBatch},
    {"strategy.async_log", "dedup_shards", kShards},

    // at_s must also fall before duration_s; target is checked against the strategies.
    {"fault", "at_s", {0, kMaxRunS, false, false, true}},
    {"fault", "target", integer(0, 1023)},
    {"fault", "down_for_s", kOffsetSeconds},
    {"fault", "factor", real(1, 1e6)},  // backend_slowdown: service times times this
    {"fault", "for_s", kOffsetSeconds},

    // One row per SLO metric (known_slo_metrics(), engine/metrics/slo_evaluator.h).
    {"slo", "like_p99_ms", kSloMs},
    {"slo", "like_p999_ms", kSloMs},
    {"slo", "count_p99_ms", kSloMs},
    {"slo", "status_p99_ms", kSloMs},
    {"slo", "staleness_p99_ms", kSloMs},
    {"slo", "drift_abs_max", kSloCount},
    {"slo", "lost_likes", kSloCount},
    {"slo", "double_counts", kSloCount},
    {"slo", "dedup_violations", kSloCount},
    {"slo", "lost_unlikes", kSloCount},
    {"slo", "posts_wrong", kSloCount},
    {"slo", "wrong_answers", kSloCount},
    {"slo", "error_rate", kFraction},
};

}  // namespace

std::string format_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.12g", x);
  return buffer;
}

std::string NumericRange::describe() const {
  return std::string(lo_open ? "(" : "[") + format_number(lo) + ", " + format_number(hi) +
         (hi_open ? ")" : "]");
}

std::span<const NumericKey> numeric_keys() { return kKeys; }

const NumericKey& numeric_key(std::string_view section, std::string_view key) {
  for (const NumericKey& k : kKeys) {
    if (k.section == section && k.key == key) return k;
  }
  throw std::logic_error("internal: scenario key '" + std::string(section) + "." +
                         std::string(key) + "' has no range in scenario_schema.cpp");
}

}  // namespace likesim
