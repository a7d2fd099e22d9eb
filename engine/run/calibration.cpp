#include "engine/run/calibration.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "engine/backends/real/backend_error.h"
#include "engine/backends/real/stream_command_costs.h"
#include "engine/run/real_world.h"
#include "engine/run/saturation.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;
constexpr Duration kLimit = 120s;  // any one measure; a server that stalls longer has failed

// usec_per_call of `command` in an INFO commandstats text, or -1.
double usec_per_call(std::string_view info, std::string_view command) {
  const std::string key = "cmdstat_" + std::string(command) + ":";
  const std::size_t at = info.find(key);
  if (at == std::string_view::npos) return -1;
  const std::size_t field = info.find("usec_per_call=", at);
  if (field == std::string_view::npos) return -1;
  return std::atof(std::string(info.substr(field + 14, 32)).c_str());
}

class Calibrator {
 public:
  Calibrator(RealWorld& world, const CalibrationOptions& o,
             const std::function<void(const std::string&)>& say)
      : world_(world),
        rt_(world.asio_runtime()),
        kv_(world.redis()),
        db_(world.postgres()),
        options_(o),
        say_(say) {}

  std::string run();

 private:
  // --- Redis ---
  real::RedisResult redis(std::vector<std::string> argv) {
    real::RedisResult r = rt_.block_on(world_.redis().command_on(0, std::move(argv)), kLimit);
    if (r.status != ReplyStatus::ok) throw real::BackendError(redis_name(), r.error);
    return r;
  }
  std::string redis_name() const { return "redis " + world_.redis().nodes()[0].text(); }
  // Runs `n` commands made by `make(i)` through Kv, `depth` at a time, then returns the
  // server's usec_per_call for `stat`.
  template <class Make>
  double server_us(const char* stat, int n, Make make) {
    redis({"CONFIG", "RESETSTAT"});
    rt_.block_on(run_kv(n, make), kLimit);
    real::RedisResult r = redis({"INFO", "commandstats"});
    const double us = usec_per_call(std::string_view(r.reply->str, r.reply->len), stat);
    if (us < 0) throw real::BackendError(redis_name(), std::string("no commandstats for ") + stat);
    return us;
  }
  template <class Make>
  Task<void> run_kv(int n, Make make) {
    for (int i = 0; i < n; ++i) {
      KvBatch batch = make(i);
      const ReplyStatus st = co_await kv_.pipeline(batch);
      if (st != ReplyStatus::ok)
        throw real::BackendError(redis_name(), "a calibration command failed");
    }
  }
  Task<void> mget_loop(int n) {
    for (int i = 0; i < n; ++i) {
      KvBatch b;
      for (std::uint16_t s = 0; s < 16; ++s) b.add(KvCommand::get(KeyId::shard_key(3, s, true)));
      const ReplyStatus st = co_await kv_.mget(b);
      if (st != ReplyStatus::ok) throw real::BackendError(redis_name(), "MGET failed");
    }
  }
  Task<void> get_latency_loop(int n, double& total_us) {
    // The saturation sweep ends with commands timing out and connections being reopened:
    // wait until the node answers again before timing anything.
    const Time give_up = rt_.now() + 10s;
    for (;;) {
      const KvReply r = co_await kv_.get(KeyId::counter(1));
      if (r.status == ReplyStatus::ok) break;
      if (rt_.now() > give_up) throw real::BackendError(redis_name(), "stopped answering");
      co_await rt_.sleep_for(100ms);
    }
    for (int i = 0; i < n; ++i) {
      const Time t0 = rt_.now();
      const KvReply r = co_await kv_.get(KeyId::counter(1));
      total_us += to_seconds(rt_.now() - t0) * 1e6;
      if (r.status != ReplyStatus::ok) throw real::BackendError(redis_name(), "GET failed");
    }
  }

  // The single-key INCRBY knee under likesim's client (engine/run/saturation.h).
  double incr_knee() {
    const Duration window = from_seconds(std::min(0.5, options_.seconds_per_measure));
    const double knee = saturation_knee([&](double rate) {
      return keeps_up(rt_, kv_, rate, window, [&](absl::FunctionRef<bool()> done, Time limit) {
        rt_.run_until(done, limit);
      });
    });
    if (knee == 0) throw real::BackendError(redis_name(), "did not keep up with 25,000 INCRBY/s");
    return knee;
  }

  // --- PostgreSQL ---
  Task<void> db_loop(int n, DbVerb verb, PostId post, UserId first_user, double& total_us) {
    for (int i = 0; i < n; ++i) {
      const DbStatement s{post, first_user + static_cast<UserId>(i), 0, verb};
      const Time t0 = rt_.now();
      const DbReply r = co_await db_.run(s);
      total_us += to_seconds(rt_.now() - t0) * 1e6;
      if (r.status != ReplyStatus::ok) {
        throw real::BackendError(world_.postgres().name(), "a calibration statement failed");
      }
    }
  }
  double db_us(int n, DbVerb verb, PostId post, UserId first_user) {
    double total = 0;
    rt_.block_on(db_loop(n, verb, post, first_user, total), kLimit);
    return total / n;
  }
  Task<void> hot_row_worker(Time until, std::uint64_t& done, int& running) {
    while (rt_.now() < until) {
      const DbReply r = co_await db_.run(DbStatement::counter_add(7, 1));
      if (r.status == ReplyStatus::ok) ++done;
    }
    --running;
  }
  static Task<void> timed_inserts(real::AsioRuntime& rt, Db db, int n, double& total) {
    for (int i = 0; i < n; ++i) {
      const Time t0 = rt.now();
      const DbReply r = co_await db.run(DbStatement::insert_like(12, static_cast<UserId>(i)));
      total += to_seconds(rt.now() - t0) * 1e6;
      if (r.status != ReplyStatus::ok) throw std::runtime_error("an insert failed");
    }
  }

  RealWorld& world_;
  real::AsioRuntime& rt_;
  Kv kv_;
  Db db_;
  const CalibrationOptions& options_;
  const std::function<void(const std::string&)>& say_;
};

std::string Calibrator::run() {
  const int n = options_.samples;
  char line[512];
  std::string out;
  auto emit = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof line, fmt, args...);
    out += line;
  };

  // ---- Redis: per-command service times, from the server's own accounting.
  say_("calibrate: " + redis_name() + ": per-command service times\n");
  const double incr_us = server_us("incrby", n, [](int) {
    KvBatch b;
    b.add(KvCommand::incr_by(KeyId::counter(1), 1));
    return b;
  });
  const double sadd_us = server_us("sadd", n, [](int i) {
    KvBatch b;
    b.add({KeyId::like_set(2), {}, i, KvVerb::sadd});
    return b;
  });
  const double get_us = server_us("get", n, [](int) {
    KvBatch b;
    b.add(KvCommand::get(KeyId::counter(1)));
    return b;
  });
  // MGET of 16 keys as one command: base + 16 * per key.
  redis({"CONFIG", "RESETSTAT"});
  rt_.block_on(mget_loop(n), kLimit);
  real::RedisResult stats = redis({"INFO", "commandstats"});
  const double mget16_us =
      usec_per_call(std::string_view(stats.reply->str, stats.reply->len), "mget");
  if (mget16_us < 0) throw real::BackendError(redis_name(), "no commandstats for mget");
  const double mget_per_key_us = std::max(0.0, (mget16_us - get_us) / 15.0);
  const double mget_base_us = std::max(0.0, get_us - mget_per_key_us);
  const double script_us = server_us("evalsha", n, [](int i) {
    KvBatch b;
    b.add({KeyId::like_set(4), KeyId::counter(4), i, KvVerb::like_script});
    return b;
  });
  const double bloom_us = server_us("evalsha", n, [](int i) {
    KvBatch b;
    b.add({KeyId::bloom(5), {}, i, KvVerb::bf_add});
    return b;
  });

  const real::StreamCommandCosts streams =  // sim::RedisStreamLog's commands
      real::measure_stream_command_costs(rt_, world_.redis(), 0, n);

  // ---- Redis: where one key saturates under likesim's client.
  say_("calibrate: " + redis_name() + ": single-key INCRBY saturation\n");
  // The knee three times over (on a 2-core machine single knees vary by ±20 %): the median.
  std::vector<double> knees;
  for (int i = 0; i < 3; ++i) knees.push_back(incr_knee());
  std::sort(knees.begin(), knees.end());
  const double saturation_per_s = knees[1];
  const double request_us = std::max(0.0, 1e6 / saturation_per_s - incr_us);

  double total = 0;
  rt_.block_on(get_latency_loop(n, total), kLimit);
  const double get_latency_us = total / n;
  const double redis_rtt_us = std::max(0.0, get_latency_us - request_us - get_us);

  // ---- PostgreSQL.
  const std::string pg = world_.postgres().name();
  say_("calibrate: " + pg + ": statements, WAL flush, COUNT(*) per row, hot row\n");
  double select1 = 0;
  for (int i = 0; i < 200; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    world_.postgres().query_value("SELECT 1");
    select1 +=
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  }
  const double pg_rtt_us = select1 / 200;
  const double read_us = db_us(n, DbVerb::like_exists, 10, 1);
  const double statement_us = std::max(1.0, read_us - pg_rtt_us);
  const double insert_sync_us = db_us(n / 4, DbVerb::insert_like, 11, 1);
  // synchronous_commit off for the same inserts, on a client of its own.
  real::PostgresOptions async_options;
  async_options.conninfo = options_.servers.pg + " options='-c synchronous_commit=off'";
  async_options.connections = 1;
  double insert_async_total = 0;
  {
    real::PostgresClient async_pg(rt_, async_options);
    Db async_db(async_pg);
    rt_.block_on(timed_inserts(rt_, async_db, n / 4, insert_async_total), kLimit);
  }
  const double insert_async_us = insert_async_total / (n / 4);
  const double commit_cpu_us = 5.0;  // not separable from the insert here: the default
  const double insert_us = std::max(1.0, insert_async_us - pg_rtt_us - commit_cpu_us);
  const double wal_flush_us = std::max(0.0, insert_sync_us - insert_async_us);

  constexpr int kCountRows = 100000;
  world_.postgres().query_value(
      "INSERT INTO likes (post_id, user_id) SELECT 13, g FROM generate_series(1, " +
      std::to_string(kCountRows) + ") g ON CONFLICT DO NOTHING RETURNING 1");
  const double count_empty_us = db_us(50, DbVerb::count_likes, 14, 0);
  const double count_full_us = db_us(50, DbVerb::count_likes, 13, 0);
  const double count_per_row_ns =
      std::max(0.0, (count_full_us - count_empty_us) * 1000.0 / kCountRows);
  const double count_base_us = std::max(1.0, count_empty_us - pg_rtt_us);

  std::uint64_t hot = 0;
  const Time hot_until = rt_.now() + from_seconds(options_.seconds_per_measure);
  const Time hot_start = rt_.now();
  int hot_running = 16;
  for (int w = hot_running; w > 0; --w) rt_.spawn(hot_row_worker(hot_until, hot, hot_running));
  rt_.run_until([&] { return hot_running == 0; }, hot_until + kLimit);
  const double hot_per_s = static_cast<double>(hot) / to_seconds(rt_.now() - hot_start);

  emit("# likesim cost file, written by `likesim calibrate` against %s and %s.\n",
       redis_name().c_str(), pg.c_str());
  emit(
      "# Load it with: likesim run SCENARIO --costs FILE (its values replace the scenario's).\n\n");
  emit("[backends.redis]\n");
  emit("# server-side usec_per_call (INFO commandstats)\n");
  emit("command_us = %.3f        # INCRBY\n", incr_us);
  emit("set_command_us = %.3f    # SADD\n", sadd_us);
  emit("mget_base_us = %.3f      # GET = MGET of 1: %.3f us\n", mget_base_us, get_us);
  emit("mget_per_key_us = %.3f   # MGET of 16: %.3f us\n", mget_per_key_us, mget16_us);
  emit("script_us = %.3f         # EVALSHA like script\n", script_us);
  emit("bloom_us = %.3f          # EVALSHA Bloom add (7 SETBIT)\n", bloom_us);
  emit("xadd_us = %.3f           # XADD\n", streams.xadd_us);
  emit("xread_base_us = %.3f     # XREADGROUP of 1: %.3f us\n", streams.xread_base_us(),
       streams.read1_us);
  emit("xread_entry_us = %.3f    # XREADGROUP of 16: %.3f us\n", streams.xread_entry_us(),
       streams.read16_us);
  emit("xread_empty_us = %.3f    # XREADGROUP of nothing\n", streams.read_empty_us);
  emit("xack_base_us = %.3f      # XACK of 1 ID: %.3f us\n", streams.xack_base_us(),
       streams.ack1_us);
  emit("xack_id_us = %.3f        # XACK of 16 IDs: %.3f us\n", streams.xack_id_us(),
       streams.ack16_us);
  emit(
      "# one key, INCRBY offered open loop at rising rates: kept up (>= 95 %% answered) to\n"
      "# %.0f/s (median of %.0f, %.0f, %.0f; likesim's client pipelines concurrent requests\n"
      "# per connection) => request overhead = 1/that - INCRBY's service time\n",
      saturation_per_s, knees[0], knees[1], knees[2]);
  emit("request_us = %.3f\n", request_us);
  emit("# sequential GET: %.1f us => network round trip\n", get_latency_us);
  emit("rtt_us = %.3f\n\n", redis_rtt_us);
  emit("[backends.postgres]\n");
  emit("# SELECT 1 sequential: %.1f us\n", pg_rtt_us);
  emit("rtt_us = %.3f\n", pg_rtt_us);
  emit("# like_exists sequential: %.1f us\n", read_us);
  emit("statement_us = %.3f\n", statement_us);
  emit("# insert sequential: %.1f us with synchronous_commit off, %.1f us on\n", insert_async_us,
       insert_sync_us);
  emit("insert_us = %.3f\n", insert_us);
  emit("wal_flush_us = %.3f\n", wal_flush_us);
  emit("# COUNT(*): %.1f us over 0 rows, %.1f us over %d rows\n", count_empty_us, count_full_us,
       kCountRows);
  emit("count_base_us = %.3f\n", count_base_us);
  emit("count_per_row_ns = %.3f\n", count_per_row_ns);
  emit("# hot row (counter_add, 16 connections, synchronous_commit on): %.0f tx/s => the row\n",
       hot_per_s);
  emit("# lock is held %.1f us per transaction (lock_handoff_us keeps the scenario's value)\n",
       1e6 / std::max(1.0, hot_per_s));
  return out;
}

}  // namespace

std::string calibrate(const CalibrationOptions& options,
                      const std::function<void(const std::string&)>& say) {
  Scenario scenario;
  scenario.real = options.servers;
  RealWorld world(scenario, 1, say);
  Calibrator c(world, options, say);
  return c.run();
}

}  // namespace likesim
