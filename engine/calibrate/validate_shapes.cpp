#include "engine/calibrate/validate_shapes.h"

#include <chrono>
#include <stdexcept>
#include <string>

#include "engine/backends/db.h"
#include "engine/backends/kv.h"
#include "engine/core/random_stream.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

// The measured part of a window: everything after its first tenth.
struct Window {
  Time start, measure_from, end;
  Window(Time s, Duration length) : start(s), measure_from(s + length / 10), end(s + length) {}
  double measured_s() const { return to_seconds(end - measure_from); }
};

struct OpenLoop {
  Runtime& rt;
  Kv kv;
  OpenLoopWork work;
  Window window;
  ShapeFigures& out;
  std::uint64_t in_flight = 0;
  bool fed = false;

  Task<void> one(Time intended) {
    const Time sent = rt.now();
    if (intended >= window.measure_from) out.send_lag.record(sent - intended);
    ReplyStatus status = ReplyStatus::ok;
    if (work == OpenLoopWork::incr_one_key) {
      const KvReply r = co_await kv.incr_by(KeyId::counter(6), 1);
      status = r.status;
    } else {
      KvBatch batch;
      for (std::uint16_t s = 0; s < 16; ++s)
        batch.add(KvCommand::get(KeyId::shard_key(3, s, false)));
      status = co_await kv.mget(batch);
    }
    const Time now = rt.now();
    if (status != ReplyStatus::ok) {
      ++out.failed;
    } else {
      if (intended >= window.measure_from) {
        out.latency.record(now - intended);
        out.from_send.record(now - sent);
      }
      if (now >= window.measure_from && now <= window.end) ++out.answered;
    }
    --in_flight;
  }
  // Poisson arrivals, as a workload's (workloads/steady_workload.cpp), from a stream of their
  // own: both worlds are offered the same send times.
  Task<void> feed(double rate) {
    RandomStream arrivals(1, "validate.arrivals");
    const double mean_gap_ns = 1e9 / rate;
    for (double at_ns = arrivals.exponential(mean_gap_ns);;
         at_ns += arrivals.exponential(mean_gap_ns)) {
      const Time intended = window.start + Duration(static_cast<std::int64_t>(at_ns));
      if (intended >= window.end) break;
      co_await rt.sleep_until(intended);
      ++in_flight;
      rt.start_now(one(intended));
    }
    fed = true;
  }
};

struct ClosedLoop {
  Runtime& rt;
  Db db;
  ClosedLoopWork work;
  Window window;
  ShapeFigures& out;
  int running = 0;

  DbStatement statement(int client, std::uint64_t i) const {
    const auto user = static_cast<UserId>(i * 1024 + static_cast<std::uint64_t>(client) + 1);
    switch (work) {
      case ClosedLoopWork::hot_row:
        return DbStatement::counter_add(7, 1);
      case ClosedLoopWork::insert:
        return DbStatement::insert_like(static_cast<PostId>(100 + client), user);
      case ClosedLoopWork::insert_counter:
        return DbStatement::insert_like_and_increment(8, user);
    }
    return DbStatement::counter_add(7, 1);
  }
  Task<void> client(int c) {
    for (std::uint64_t i = 0; rt.now() < window.end; ++i) {
      const Time sent = rt.now();
      const DbReply r = co_await db.run(statement(c, i));
      const Time now = rt.now();
      if (r.status != ReplyStatus::ok) {
        ++out.failed;
      } else if (now >= window.measure_from && now <= window.end) {
        out.latency.record(now - sent);
        ++out.answered;
      }
    }
    --running;
  }
};

void wait_for(World& world, absl::FunctionRef<bool()> done, Time limit, const char* what) {
  if (!world.run_until(done, limit, nullptr)) {
    throw std::runtime_error(std::string(what) + ": answers still missing a minute after the " +
                             world.kind() + " window ended");
  }
  if (std::exception_ptr e = world.runtime().first_error()) {
    throw std::runtime_error(std::string(what) + ": " + describe(e));
  }
}

}  // namespace

ShapeFigures offer_open_loop(World& world, OpenLoopWork work, double rate, Duration window) {
  Runtime& rt = world.runtime();
  ShapeFigures out;
  OpenLoop loop{rt, world.context(1).kv, work, Window(rt.now() + 10ms, window), out};
  out.measured_s = loop.window.measured_s();
  rt.spawn(loop.feed(rate));
  wait_for(
      world, [&] { return loop.fed && loop.in_flight == 0; }, loop.window.end + 60s,
      work == OpenLoopWork::incr_one_key ? "INCRBY" : "MGET");
  return out;
}

ShapeFigures run_closed_loop(Runtime& rt, Db db, ClosedLoopWork work, int clients, Duration window,
                             RunWorldUntil run_until) {
  ShapeFigures out;
  ClosedLoop loop{rt, db, work, Window(rt.now() + 10ms, window), out, clients};
  out.measured_s = loop.window.measured_s();
  for (int c = 0; c < clients; ++c) rt.spawn(loop.client(c));
  run_until([&] { return loop.running == 0; }, loop.window.end + 60s);
  if (loop.running != 0) {
    throw std::runtime_error("PostgreSQL: answers still missing a minute after the window ended");
  }
  if (std::exception_ptr e = rt.first_error()) {
    throw std::runtime_error(std::string("PostgreSQL: ") + describe(e));
  }
  return out;
}

ShapeFigures run_closed_loop(World& world, ClosedLoopWork work, int clients, Duration window) {
  return run_closed_loop(
      world.runtime(), world.context(1).db, work, clients, window,
      [&](absl::FunctionRef<bool()> done, Time limit) { world.run_until(done, limit, nullptr); });
}

}  // namespace likesim
