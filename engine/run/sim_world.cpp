#include "engine/run/sim_world.h"

#include <algorithm>

namespace likesim {

bool SimWorld::run_until(absl::FunctionRef<bool()> done, Time limit, StrategyProgress* progress) {
  const std::uint64_t every = scheduler_.watch_interval();  // a power of two
  std::uint64_t tick = 0;
  bool reached = true;
  while (!done()) {
    if (scheduler_.empty() || scheduler_.next_time() > limit) {
      reached = false;
      break;
    }
    scheduler_.run_one();
    if ((++tick & (every - 1)) == 0) {
      scheduler_.watch_progress(every);  // a clock that stopped ends the run with an error
      if (progress) {
        progress->simulated_ns.store(scheduler_.now().count(), std::memory_order_relaxed);
      }
    }
  }
  if (progress) progress->simulated_ns.store(scheduler_.now().count(), std::memory_order_relaxed);
  return reached;
}

void SimWorld::sample_gauges(TimeSeries& series, Time now) {
  std::size_t max_queue = 0;
  for (int n = 0; n < redis_.nodes(); ++n) max_queue = std::max(max_queue, redis_.queue_now(n));
  series.set_gauge("redis_max_queue", now, static_cast<double>(max_queue));
  series.set_gauge("db_busy_connections", now,
                   static_cast<double>(postgres_.busy_connections(now)));
  const std::int64_t lag = log_kind_ == sim::LogKind::kafka ? kafka_.lag() : streams_.lag();
  series.set_gauge("log_lag", now, static_cast<double>(lag));
}

void SimWorld::backend_figures(BackendFigures& out, Time elapsed) const {
  const double elapsed_ns = std::max(1.0, static_cast<double>(elapsed.count()));
  for (int n = 0; n < redis_.nodes(); ++n) {
    const sim::RedisNodeStats& s = redis_.node_stats(n);
    RedisNodeFigures f;
    f.node = n;
    f.utilisation = static_cast<double>(s.busy_ns) / elapsed_ns;
    f.commands = s.commands;
    f.max_queue = s.max_queue;
    out.redis_busiest_node_utilisation =
        std::max(out.redis_busiest_node_utilisation, f.utilisation);
    out.redis_nodes.push_back(f);
  }
  out.db_row_lock_wait_p99_us = postgres_.stats().lock_wait.value_at_percentile(99.0);
  out.db_cpu_utilisation =
      static_cast<double>(postgres_.stats().cpu_busy_ns) / (elapsed_ns * postgres_.cpu_cores());
  out.db_statements = postgres_.stats().statements;
  out.db_rejected = postgres_.stats().rejected;
  out.log_lag_max =
      log_kind_ == sim::LogKind::kafka ? kafka_.stats().max_lag : streams_.stats().max_lag;
}

BackendState SimWorld::read_state() {
  // The simulated servers' own data, through their accessors: what a strategy stored, whatever
  // it believes it stored.
  BackendState s;
  s.likers_order = user_order_;
  for (int n = 0; n < redis_.nodes(); ++n) {
    redis_.node(n).for_each_value([&](const KeyId& key, std::int64_t v) {
      if (key.kind == KeyKind::counter || key.kind == KeyKind::shard) s.add_redis_value(key, v);
    });
    redis_.node(n).for_each_set([&](const KeyId& key, const UserSet& set) {
      if (key.kind == KeyKind::like_set) s.add_redis_likers(key, set);
    });
  }
  postgres_.for_each_counter([&](PostId post, std::int64_t n) { s.db_counters[post] += n; });
  postgres_.for_each_likers(
      [&](PostId post, const UserSet& likers) { s.add_db_likers(post, likers); });
  return s;
}

Task<bool> SimWorld::crash_redis_node(int, Duration) {
  // A simulated node keeps no persistence model (what a crash loses depends on fsync and the
  // page cache of a real machine), so the fault is a real-mode one.
  co_return false;
}

bool SimWorld::slow_down(SlowBackend backend, Time from, Time until, double factor) {
  switch (backend) {
    case SlowBackend::redis:
      redis_.slow_down(from, until, factor);
      return true;
    case SlowBackend::postgres:
      postgres_.slow_down(from, until, factor);
      return true;
  }
  return false;
}

}  // namespace likesim
