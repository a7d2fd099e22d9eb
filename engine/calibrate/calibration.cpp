#include "engine/calibrate/calibration.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "engine/backends/real/backend_error.h"
#include "engine/backends/real/stream_command_costs.h"
#include "engine/backends/sim/service_time.h"
#include "engine/calibrate/calibration_math.h"
#include "engine/calibrate/closed_loop_fit.h"
#include "engine/calibrate/saturation.h"
#include "engine/calibrate/validate_shapes.h"
#include "engine/run/real_world.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;
constexpr Duration kLimit = 120s;  // any one measure; a server that stalls longer has failed
// Round trips are measured one request per kPace, as a run's driver sends them (AsioRuntime
// wakes before a timed send and polls), not back to back: on this VM back-to-back GETs took
// 92.8 us p50 where paced ones, and the runs' own Redis round trips, took 51-58 us; and a
// PostgreSQL read kept busy back to back took 24 us p50 where the runs' reads took 140-190.
constexpr Duration kPace = 1ms;

// usec_per_call of `command` in an INFO commandstats text, or -1.
double usec_per_call(std::string_view info, std::string_view command) {
  const std::string key = "cmdstat_" + std::string(command) + ":";
  const std::size_t at = info.find(key);
  if (at == std::string_view::npos) return -1;
  const std::size_t field = info.find("usec_per_call=", at);
  if (field == std::string_view::npos) return -1;
  return std::atof(std::string(info.substr(field + 14, 32)).c_str());
}

// A numeric field of an INFO text ("used_cpu_sys_main_thread:12.66"), or -1.
double info_number(std::string_view info, std::string_view field) {
  const std::string key = "\n" + std::string(field) + ":";
  const std::size_t at = info.find(key);
  if (at == std::string_view::npos) return -1;
  return std::atof(std::string(info.substr(at + key.size(), 32)).c_str());
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
  Task<void> get_latency_loop(int n, std::vector<double>& samples_us) {
    // The saturation sweep ends with commands timing out and connections being reopened:
    // wait until the node answers again before timing anything.
    const Time give_up = rt_.now() + 10s;
    for (;;) {
      const KvReply r = co_await kv_.get(KeyId::counter(1));
      if (r.status == ReplyStatus::ok) break;
      if (rt_.now() > give_up) throw real::BackendError(redis_name(), "stopped answering");
      co_await rt_.sleep_for(100ms);
    }
    const Time start = rt_.now();
    for (int i = 0; i < n; ++i) {
      co_await rt_.sleep_until(start + kPace * i);
      const Time t0 = rt_.now();
      const KvReply r = co_await kv_.get(KeyId::counter(1));
      samples_us.push_back(to_seconds(rt_.now() - t0) * 1e6);
      if (r.status != ReplyStatus::ok) throw real::BackendError(redis_name(), "GET failed");
    }
  }

  // The single-key INCRBY knee under likesim's client (engine/calibrate/saturation.h).
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

  // CPU seconds Redis's main thread has used (INFO cpu): its own accounting, as commandstats.
  double redis_main_thread_cpu_s() {
    real::RedisResult r = redis({"INFO", "cpu"});
    const std::string_view info(r.reply->str, r.reply->len);
    const double sys = info_number(info, "used_cpu_sys_main_thread");
    const double user = info_number(info, "used_cpu_user_main_thread");
    if (sys < 0 || user < 0)
      throw real::BackendError(redis_name(), "no main-thread CPU in INFO cpu");
    return sys + user;
  }

  // --- PostgreSQL ---
  Task<void> db_loop(int n, DbVerb verb, PostId post, UserId first_user,
                     std::vector<double>& samples_us, bool paced) {
    const Time start = rt_.now();
    for (int i = 0; i < n; ++i) {
      if (paced) co_await rt_.sleep_until(start + kPace * i);
      const DbStatement s{post, first_user + static_cast<UserId>(i), 0, verb};
      const Time t0 = rt_.now();
      const DbReply r = co_await db_.run(s);
      samples_us.push_back(to_seconds(rt_.now() - t0) * 1e6);
      if (r.status != ReplyStatus::ok) {
        throw real::BackendError(world_.postgres().name(), "a calibration statement failed");
      }
    }
  }
  // Latencies of `n` statements sent one at a time (`paced`: one per kPace), in µs.
  std::vector<double> db_samples(int n, DbVerb verb, PostId post, UserId first_user,
                                 bool paced = false) {
    std::vector<double> samples;
    rt_.block_on(db_loop(n, verb, post, first_user, samples, paced), kLimit);
    return samples;
  }
  double db_us(int n, DbVerb verb, PostId post, UserId first_user) {
    return mean(db_samples(n, verb, post, first_user));
  }
  static double mean(std::span<const double> v) {
    double total = 0;
    for (const double x : v) total += x;
    return v.empty() ? 0 : total / static_cast<double>(v.size());
  }
  // µs of each of `n` statements `sql(i)` sent one at a time on the blocking admin connection.
  template <class Sql>
  std::vector<double> admin_samples(int n, Sql sql, bool paced = false) {
    std::vector<double> samples;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      if (paced) std::this_thread::sleep_until(start + kPace * i);
      const std::string text = sql(i);
      const auto t0 = std::chrono::steady_clock::now();
      world_.postgres().query_value(text);
      samples.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    return samples;
  }
  // `clients` closed loops of `work`, each on a connection of its own: the shape the
  // closed-loop fits simulate (validate_shapes.h), measured the same way.
  // Each starts on empty tables: inserts a loop before made would answer ON CONFLICT
  // without writing (no WAL to flush), as validate's loops (on a fresh RealWorld) never do.
  ShapeFigures closed_loop(const std::string& conninfo, ClosedLoopWork work, int clients) {
    world_.postgres().truncate();
    real::PostgresOptions o;
    o.conninfo = conninfo;
    o.connections = clients;
    real::PostgresClient pg(rt_, o);
    return run_closed_loop(
        rt_, Db(pg), work, clients, from_seconds(options_.seconds_per_measure),
        [&](absl::FunctionRef<bool()> done, Time limit) { rt_.run_until(done, limit); });
  }
  // Inserts alone (no shared row): with synchronous_commit off the CPUs set the pace, with it
  // on the WAL flushes and their wake-ups.
  double insert_per_s(int clients, bool sync) {
    const std::string conninfo =
        sync ? options_.servers.pg : options_.servers.pg + " options='-c synchronous_commit=off'";
    return closed_loop(conninfo, ClosedLoopWork::insert, clients).throughput();
  }
  // counter_add on one row, synchronous_commit on.
  ShapeFigures hot_row(int clients) {
    return closed_loop(options_.servers.pg, ClosedLoopWork::hot_row, clients);
  }
  static std::string list(std::span<const double> values) {
    std::string out = "[";
    char v[32];
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::snprintf(v, sizeof v, "%s%.2f", i ? ", " : "", values[i]);
      out += v;
    }
    return out + "]";
  }
  static std::string point_names() { return "min, p10, p25, p50, p75, p90, p95, p99, p99.9, max"; }
  // Latencies of `n` inserts of new likes (post 12, users from `first_user`), one at a time.
  static Task<void> timed_inserts(real::AsioRuntime& rt, Db db, int n, UserId first_user,
                                  std::vector<double>& samples_us) {
    for (int i = 0; i < n; ++i) {
      const Time t0 = rt.now();
      const DbReply r =
          co_await db.run(DbStatement::insert_like(12, first_user + static_cast<UserId>(i)));
      samples_us.push_back(to_seconds(rt.now() - t0) * 1e6);
      if (r.status != ReplyStatus::ok) throw std::runtime_error("an insert failed");
    }
  }

  // The first three fields of /proc/loadavg, or "unknown": a loaded machine's tails are its
  // scheduler's, and a reader of the cost file should know.
  static std::string load_average() {
    std::FILE* f = std::fopen("/proc/loadavg", "r");
    if (!f) return "unknown";
    double a = 0, b = 0, c = 0;
    const int got = std::fscanf(f, "%lf %lf %lf", &a, &b, &c);
    std::fclose(f);
    if (got != 3) return "unknown";
    char text[64];
    std::snprintf(text, sizeof text, "%.2f %.2f %.2f", a, b, c);
    return text;
  }

  std::string load_;
  RealWorld& world_;
  real::AsioRuntime& rt_;
  Kv kv_;
  Db db_;
  const CalibrationOptions& options_;
  const std::function<void(const std::string&)>& say_;
};

std::string Calibrator::run() {
  const int n = options_.samples;
  load_ = load_average();
  char line[512];
  std::string out;
  auto emit = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof line, fmt, args...);
    out += line;
  };
  // A quantile table the loader accepts (sim::EmpiricalShape), else a comment saying why not:
  // e.g. a difference of two paths' latencies that is 0 everywhere has no shape to draw.
  auto emit_table = [&](const char* key, const std::vector<double>& q) {
    const absl::StatusOr<sim::EmpiricalShape> shape = sim::EmpiricalShape::from_quantiles(q);
    if (shape.ok()) {
      out += std::string(key) + " = " + list(q) + "\n";
      return true;
    }
    out += "# " + std::string(key) + " not written (" + std::string(shape.status().message()) +
           "): " + list(q) + "\n";
    return false;
  };

  // Round trips drift on a shared VM (paced GET p50s of 21.5 and 48.7 us in two calibrations
  // minutes apart): each is sampled in three rounds spread over the calibration, pooled, so
  // the drawn distribution holds the states the machine went through, not one moment's.
  std::vector<double> get_samples, select1_samples, read_samples;
  // Redis's main-thread CPU over the paced GETs: one request per event-loop iteration, so
  // CPU per GET = the iteration's own cost + the request's + the command's.
  double paced_get_cpu_s = 0;
  auto round_trips = [&] {
    const double cpu_before = redis_main_thread_cpu_s();
    rt_.block_on(get_latency_loop(n / 3, get_samples), kLimit);
    paced_get_cpu_s += redis_main_thread_cpu_s() - cpu_before;
    const std::vector<double> select1 = admin_samples(
        n / 3, [](int) { return std::string("SELECT 1"); }, /*paced=*/true);
    select1_samples.insert(select1_samples.end(), select1.begin(), select1.end());
    const std::vector<double> read = db_samples(n / 3, DbVerb::like_exists, 10, 1, /*paced=*/true);
    read_samples.insert(read_samples.end(), read.begin(), read.end());
  };
  say_("calibrate: round trips (1 of 3)\n");
  round_trips();

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
  const double bloom_exists_us = server_us("evalsha", n, [](int i) {
    KvBatch b;
    b.add({KeyId::bloom(5), {}, i, KvVerb::bf_exists});
    return b;
  });

  const real::StreamCommandCosts streams =  // sim::RedisStreamLog's commands
      real::measure_stream_command_costs(rt_, world_.redis(), 0, n);

  say_("calibrate: round trips (2 of 3)\n");
  round_trips();

  // ---- Redis: where one key saturates under likesim's client.
  say_("calibrate: " + redis_name() + ": single-key INCRBY saturation\n");
  // The knee three times over (on a 2-core machine single knees vary by ±20 %): the median.
  std::vector<double> knees;
  for (int i = 0; i < 3; ++i) knees.push_back(incr_knee());
  const double saturation_per_s = median_of_three(knees[0], knees[1], knees[2]);
  std::sort(knees.begin(), knees.end());
  const double request_us = request_overhead_us(saturation_per_s, incr_us);

  say_("calibrate: round trips (3 of 3)\n");
  round_trips();
  // Paced GETs: the round trip's mean and its spread (the server's part is a fixed ~1 µs
  // here, so the whole spread is the round trip's: client, kernel, scheduling).
  const double get_latency_us = mean(get_samples);
  // The iteration's own cost comes after the reply (redis_node.h): not on the round trip.
  const double redis_server_part_us = request_us + get_us;
  const double iteration_us =
      iteration_overhead_us(paced_get_cpu_s, get_samples.size(), redis_server_part_us);
  const double redis_rtt_us = std::max(0.0, get_latency_us - redis_server_part_us);
  const std::vector<double> get_q = quantiles_at_points(get_samples);
  const std::vector<double> redis_rtt_q = shifted_quantiles(get_q, redis_server_part_us);

  // ---- PostgreSQL.
  const std::string pg = world_.postgres().name();
  say_("calibrate: " + pg + ": statements, WAL flush, COUNT(*) per row, hot row\n");
  // The round trip: SELECT 1, paced, on the blocking connection (no statement work); the
  // read statement paced the same way, on the runs' own client (round_trips above).
  const double pg_rtt_us = mean(select1_samples);
  const std::vector<double> pg_rtt_q = quantiles_at_points(select1_samples);
  const double read_us = mean(read_samples);
  const double statement_us = std::max(1.0, read_us - pg_rtt_us);
  // The read's spread beyond its round trip's: the service-time shape.
  const std::vector<double> read_q = quantiles_at_points(read_samples);
  const std::vector<double> pg_service_q = difference_quantiles(read_q, pg_rtt_q);
  // The WAL flush: inserts with synchronous_commit on minus the same with it off (on a client
  // of its own), in alternating rounds and by medians, so that the machine's drift between
  // the two and its preempted samples (this VM's flush measured 48-262 µs by back-to-back
  // means) move it less.
  real::PostgresOptions async_options;
  async_options.conninfo = options_.servers.pg + " options='-c synchronous_commit=off'";
  async_options.connections = 1;
  std::vector<double> sync_samples, async_samples;
  {
    real::PostgresClient async_pg(rt_, async_options);
    Db async_db(async_pg);
    constexpr int kRounds = 4;
    const int per_round = std::max(10, n / 4 / kRounds);
    for (int r = 0; r < kRounds; ++r) {
      const auto first = static_cast<UserId>(1 + 2 * r * per_round);
      rt_.block_on(timed_inserts(rt_, db_, per_round, first, sync_samples), kLimit);
      rt_.block_on(timed_inserts(rt_, async_db, per_round, first + static_cast<UserId>(per_round),
                                 async_samples),
                   kLimit);
    }
  }
  const double insert_sync_us = quantiles_at_points(sync_samples)[3];
  const double insert_async_us = quantiles_at_points(async_samples)[3];
  const double wal_flush = wal_flush_us(insert_sync_us, insert_async_us);
  // The commit's CPU apart from the insert's: on one connection with synchronous_commit off,
  // inserts each in its own transaction, then as many inside one open transaction (no commit
  // each), and SELECT 1 on the same path for its round trip.
  const int m = std::max(10, n / 4);
  world_.postgres().query_value("SET synchronous_commit = off");
  const std::vector<double> admin_rtt =
      admin_samples(m, [](int) { return std::string("SELECT 1"); });
  const std::vector<double> autocommit = admin_samples(m, [](int i) {
    return "INSERT INTO likes (post_id, user_id) VALUES (15, " + std::to_string(i) +
           ") ON CONFLICT DO NOTHING";
  });
  world_.postgres().query_value("BEGIN");
  const std::vector<double> in_txn = admin_samples(m, [](int i) {
    return "INSERT INTO likes (post_id, user_id) VALUES (16, " + std::to_string(i) +
           ") ON CONFLICT DO NOTHING";
  });
  const double admin_rtt_us = mean(admin_rtt), autocommit_us = mean(autocommit),
               in_txn_us = mean(in_txn);
  // Medians beside the means: on a loaded machine a few preempted samples move a mean by more
  // than the difference measured; the medians say what an unloaded server would.
  const double admin_rtt_p50 = quantiles_at_points(admin_rtt)[3];
  const double autocommit_p50 = quantiles_at_points(autocommit)[3];
  const double in_txn_p50 = quantiles_at_points(in_txn)[3];
  world_.postgres().query_value("COMMIT");
  world_.postgres().query_value("SET synchronous_commit TO DEFAULT");
  const double commit_cpu = commit_cpu_us(autocommit_us, in_txn_us);
  const double insert_us = std::max(1.0, in_txn_us - admin_rtt_us);

  constexpr int kCountRows = 100000;
  world_.postgres().query_value(
      "INSERT INTO likes (post_id, user_id) SELECT 13, g FROM generate_series(1, " +
      std::to_string(kCountRows) + ") g ON CONFLICT DO NOTHING RETURNING 1");
  const double count_empty_us = db_us(50, DbVerb::count_likes, 14, 0);
  const double count_full_us = db_us(50, DbVerb::count_likes, 13, 0);
  const double count_per_row = count_per_row_ns(count_empty_us, count_full_us, kCountRows);
  const double count_base_us = std::max(1.0, count_empty_us - pg_rtt_us);

  // The hot row at 2, 8 and 32 clients; validate checks 4, 16 and 64.
  std::vector<HotRowPoint> hot;
  std::vector<double> p99_to_mean;  // at 8 and 32 clients: how the row's waiters are served
  for (const int clients : {2, 8, 32}) {
    const ShapeFigures f = hot_row(clients);
    hot.push_back({clients, f.throughput()});
    if (clients > 2 && f.latency.mean() > 0) p99_to_mean.push_back(f.p99() / f.latency.mean());
  }
  const bool random_grant = served_in_random_order(p99_to_mean);
  // The simulated hot row is made to match them (closed_loop_fit.h), with the costs above.
  sim::CostModel fit_costs;
  sim::PostgresCosts& fc = fit_costs.postgres;
  fc.lock_grant =
      random_grant ? sim::PostgresCosts::LockGrant::random : sim::PostgresCosts::LockGrant::fifo;
  fc.rtt_us = pg_rtt_us;
  fc.statement_us = statement_us;
  fc.commit_cpu_us = commit_cpu;
  fc.wal_flush_us = wal_flush;
  // Inserts at 4 clients, synchronous_commit off: their CPU, fitted the same way; then on, at
  // 32 clients, where a flush's group is large and its wake-ups set the pace: each durable
  // commit's wake-up (validate checks 16 clients, on).
  const HotRowPoint inserts{4, insert_per_s(4, false)};
  fc.insert_us = fit_insert_us(fit_costs, inserts);
  const HotRowPoint inserts_sync{32, insert_per_s(32, true)};
  fc.wal_wake_us = fit_wal_wake_us(fit_costs, inserts_sync);
  // The hot row last: its commits wait for the WAL too.
  const ContentionFit contention = fit_lock_contention(fit_costs, hot);

  emit("# likesim cost file, written by `likesim calibrate` against %s and %s.\n",
       redis_name().c_str(), pg.c_str());
  emit("# Machine load when it started (1, 5, 15 min; /proc/loadavg): %s\n", load_.c_str());
  emit(
      "# Load it with: likesim run SCENARIO --costs FILE (its values replace the scenario's).\n\n");
  emit("[backends.redis]\n");
  emit("# server-side usec_per_call (INFO commandstats)\n");
  emit("command_us = %.3f        # INCRBY\n", incr_us);
  emit("set_command_us = %.3f    # SADD\n", sadd_us);
  emit("mget_base_us = %.3f      # GET = MGET of 1: %.3f us\n", mget_base_us, get_us);
  emit("mget_per_key_us = %.3f   # MGET of 16: %.3f us\n", mget_per_key_us, mget16_us);
  emit("script_us = %.3f         # EVALSHA like script\n", script_us);
  emit("bloom_us = %.3f          # EVALSHA Bloom add (7 SETBIT); Bloom exists (7 GETBIT): %.3f\n",
       bloom_us, bloom_exists_us);
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
  emit(
      "# Redis's main-thread CPU over the paced GETs below (INFO cpu): %.1f us per GET, one\n"
      "# per event-loop iteration, after which the thread sleeps => a sleeping iteration's own\n"
      "# cost = that - request - GET (paid after the reply: a GET answered in less time)\n",
      get_samples.empty() ? 0.0 : paced_get_cpu_s * 1e6 / static_cast<double>(get_samples.size()));
  emit("iteration_us = %.3f\n", iteration_us);
  emit("# GET, one per ms, three rounds: %.1f us (p50 %.1f us) => network round trip\n",
       get_latency_us, get_q[3]);
  emit("rtt_us = %.3f\n", redis_rtt_us);
  emit("# the spread: GET quantiles (%s) minus the server's %.1f us\n", point_names().c_str(),
       redis_server_part_us);
  emit("# GET: %s\n", list(get_q).c_str());
  const bool redis_shape = emit_table("rtt_us_quantiles", redis_rtt_q);
  emit(
      "# service-time spread: not observable (INFO commandstats gives means; latencystats counts\n"
      "# whole microseconds, coarser than these ~1 us commands): service times stay at their "
      "means\n");
  if (redis_shape) emit("distribution = \"empirical\"\n");
  emit("\n");
  emit("[backends.postgres]\n");
  emit("# SELECT 1, one per ms, three rounds: %.1f us (p50 %.1f us)\n", pg_rtt_us, pg_rtt_q[3]);
  emit("rtt_us = %.3f\n", pg_rtt_us);
  bool pg_shape = emit_table("rtt_us_quantiles", pg_rtt_q);
  emit("# like_exists, one per ms, three rounds: %.1f us; its quantiles: %s\n", read_us,
       list(read_q).c_str());
  emit("statement_us = %.3f\n", statement_us);
  emit("# service spread = like_exists quantiles - SELECT 1 quantiles (point by point)\n");
  pg_shape |= emit_table("service_quantiles", pg_service_q);
  if (pg_shape) emit("distribution = \"empirical\"\n");
  emit("# insert sequential, medians: %.1f us with synchronous_commit off, %.1f us on\n",
       insert_async_us, insert_sync_us);
  emit(
      "# one connection, synchronous_commit off: SELECT 1 %.1f us, insert in its own transaction\n"
      "# %.1f us, inside an open transaction %.1f us => commit CPU, and insert = in-txn - SELECT "
      "1\n",
      admin_rtt_us, autocommit_us, in_txn_us);
  emit("# (medians: SELECT 1 %.1f us, own transaction %.1f us, open transaction %.1f us)\n",
       admin_rtt_p50, autocommit_p50, in_txn_p50);
  emit(
      "# (in-transaction insert - SELECT 1: %.1f us, a latency.) Inserts alone at 4 connections,\n"
      "# synchronous_commit off: %.0f/s; the simulated ones match it with\n",
      insert_us, inserts.per_s);
  emit("insert_us = %.3f\n", fc.insert_us);
  emit("commit_cpu_us = %.3f\n", commit_cpu);
  emit("wal_flush_us = %.3f\n", wal_flush);
  emit(
      "# Inserts alone at 32 connections, synchronous_commit on: %.0f/s; the simulated ones\n"
      "# match it when the commits a flush made durable wake one after another, each after\n"
      "# the first taking\n",
      inserts_sync.per_s);
  emit("wal_wake_us = %.3f\n", fc.wal_wake_us);
  emit("# COUNT(*): %.1f us over 0 rows, %.1f us over %d rows\n", count_empty_us, count_full_us,
       kCountRows);
  emit("count_base_us = %.3f\n", count_base_us);
  emit("count_per_row_ns = %.3f\n", count_per_row);
  emit(
      "# hot row (counter_add, synchronous_commit on) at 2, 8, 32 connections: %.0f, %.0f, %.0f\n"
      "# tx/s; the simulated one (deterministic, these costs) fitted to them: %.0f, %.0f, %.0f\n",
      hot[0].per_s, hot[1].per_s, hot[2].per_s, contention.simulated_per_s[0],
      contention.simulated_per_s[1], contention.simulated_per_s[2]);
  emit("lock_handoff_us = %.3f\n", contention.handoff_us);
  emit("lock_contention_exponent = %.2f\n", contention.exponent);
  emit(
      "# hot row p99 / mean latency at 8, 32 connections: %s (request order gives ~1, random\n"
      "# order ~4.6)\n",
      list(p99_to_mean).c_str());
  emit("lock_grant = \"%s\"\n", random_grant ? "random" : "fifo");
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
