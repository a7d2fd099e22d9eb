#include "engine/calibrate/validate.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>

#include "engine/backends/real/backend_error.h"
#include "engine/calibrate/saturation.h"
#include "engine/calibrate/validate_shapes.h"
#include "engine/calibrate/validate_strategies.h"
#include "engine/run/real_world.h"
#include "engine/run/sim_world.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

// MGETs per second offered to the cluster: 32,000 keys/s, well under any node's capacity, so
// the figures are the request path's, not a queue's.
constexpr double kMgetRate = 2000;
constexpr int kHotRowClients[] = {4, 16, 64};
constexpr int kInsertClients = 16;

std::string rate_text(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f/s", r);
  return buf;
}

class Validation {
 public:
  Validation(const ValidateOptions& o, const std::function<void(const std::string&)>& say)
      : options_(o), say_(say) {}

  ValidateResult run();

 private:
  bool wanted(const std::string& shape) const {
    return options_.shapes.empty() || options_.shapes.count(shape) > 0;
  }
  Duration window(Duration full) const { return options_.quick ? full / 4 : full; }

  // The scenario a shape's worlds are built from.
  Scenario standalone() const {
    Scenario s = options_.scenario;
    s.real.redis_cluster.clear();
    s.costs.redis.nodes = 1;
    return s;
  }
  Scenario clustered() const {
    Scenario s = options_.scenario;
    s.real.redis_cluster = options_.cluster;
    s.costs.redis.nodes = 3;
    return s;
  }
  Scenario pooled(int clients) const {
    Scenario s = standalone();
    s.costs.postgres.pool_size = clients;
    s.real.pg_connections = clients;
    return s;
  }

  // Runs `shape` in a simulated world, then in a real one, both built from `s`; with
  // options_.repeat_real, in a second real world too (the real figures' repeatability).
  struct Figures {
    std::vector<ShapeFigures> sim, real, real_again;
  };
  template <class Shape>
  Figures both(const Scenario& s, Shape shape) {
    Figures f;
    {
      SimWorld sim(s.costs, s.seed, 1);
      f.sim = shape(static_cast<World&>(sim));
    }
    for (int round = 0; round < (options_.repeat_real ? 2 : 1); ++round) {
      // The schema line is news once, not at every shape.
      RealWorld real(s, 1, [this](const std::string& line) {
        if (line.find("schema present") == std::string::npos) say_(line);
      });
      real.start_clock();
      (round == 0 ? f.real : f.real_again) = shape(static_cast<World&>(real));
    }
    return f;
  }

  void add(const std::string& shape, const std::string& point, const Figures& f, std::size_t i,
           bool throughput, std::string note = {}) {
    const ShapeFigures& sim = f.sim[i];
    const ShapeFigures& real = f.real[i];
    const ShapeFigures* again = i < f.real_again.size() ? &f.real_again[i] : nullptr;
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    if (real.send_lag.total_count() > 0) {
      auto us = [](const LatencyHistogram& h, double p) {
        return static_cast<long long>(h.value_at_percentile(p));
      };
      char lag[128];
      std::snprintf(lag, sizeof lag,
                    "%sreal: sent late p50 %lld / p99 %lld us, from send p50 %lld / p99 %lld us",
                    note.empty() ? "" : "; ", us(real.send_lag, 50), us(real.send_lag, 99),
                    us(real.from_send, 50), us(real.from_send, 99));
      note += lag;
    }
    if (throughput) {
      rows_.push_back({shape, point, Metric::throughput, sim.throughput(), real.throughput(), note,
                       again ? again->throughput() : kNone});
    }
    rows_.push_back(
        {shape, point, Metric::p50, sim.p50(), real.p50(), note, again ? again->p50() : kNone});
    rows_.push_back(
        {shape, point, Metric::p99, sim.p99(), real.p99(), note, again ? again->p99() : kNone});
  }

  double knee(std::string& source);
  void incr(double knee);
  void mget();
  void pg();

  const ValidateOptions& options_;
  const std::function<void(const std::string&)>& say_;
  std::vector<ValidationRow> rows_;
};

double Validation::knee(std::string& source) {
  if (options_.knee_per_s > 0) {
    source = "--knee";
    return options_.knee_per_s;
  }
  const sim::RedisCosts& c = options_.scenario.costs.redis;
  if (options_.knee_from_costs && c.request_us + c.command_us > 0) {
    source = "cost file: 1 / (request_us + command_us)";
    return 1e6 / (c.request_us + c.command_us);
  }
  // calibrate's own search on the real node; the median of three (single knees vary by
  // ±20 % on a shared 2-core machine), one when quick.
  source = "measured on the real node";
  say_("validate: measuring the single-key INCRBY knee on " + options_.scenario.real.redis + "\n");
  RealWorld world(standalone(), 1, say_);
  std::vector<double> knees;
  for (int i = 0; i < (options_.quick ? 1 : 3); ++i) {
    knees.push_back(saturation_knee([&](double rate) {
      return keeps_up(world.runtime(), world.context(1).kv, rate, 500ms,
                      [&](absl::FunctionRef<bool()> done, Time limit) {
                        world.run_until(done, limit, nullptr);
                      });
    }));
  }
  std::sort(knees.begin(), knees.end());
  if (knees[knees.size() / 2] <= 0) {
    throw real::BackendError("redis " + options_.scenario.real.redis,
                             "did not keep up with 25,000 INCRBY/s");
  }
  return knees[knees.size() / 2];
}

void Validation::incr(double knee) {
  static constexpr double kFractions[] = {0.25, 0.50, 0.75, 0.90};
  say_("validate: INCRBY on one key at 25/50/75/90 % of " + rate_text(knee) + "\n");
  const Figures f = both(standalone(), [&](World& w) {
    std::vector<ShapeFigures> out;
    for (double f : kFractions)
      out.push_back(offer_open_loop(w, OpenLoopWork::incr_one_key, f * knee, window(1s)));
    return out;
  });
  for (std::size_t i = 0; i < std::size(kFractions); ++i) {
    char point[64];
    std::snprintf(point, sizeof point, "%.0f%% knee (%s)", kFractions[i] * 100,
                  rate_text(kFractions[i] * knee).c_str());
    add("incr one key", point, f, i, false);
  }
}

void Validation::mget() {
  say_("validate: MGET of 16 shards over " + options_.cluster + " at " + rate_text(kMgetRate) +
       "\n");
  const Figures f = both(clustered(), [&](World& w) {
    return std::vector<ShapeFigures>{
        offer_open_loop(w, OpenLoopWork::mget_shards, kMgetRate, window(1500ms))};
  });
  add("mget 16 shards, 3 nodes", rate_text(kMgetRate) + " offered", f, 0, true);
}

void Validation::pg() {
  struct Point {
    const char* shape;
    ClosedLoopWork work;
    int clients;
    const char* note;
  };
  std::vector<Point> points;
  if (wanted("pg_hot_row")) {
    for (int c : kHotRowClients) {
      points.push_back({"pg hot row", ClosedLoopWork::hot_row, c, ""});
    }
  }
  if (wanted("pg_insert"))
    points.push_back({"pg inserts", ClosedLoopWork::insert, kInsertClients, ""});
  if (wanted("pg_insert_counter")) {
    points.push_back({"pg insert+counter", ClosedLoopWork::insert_counter, kInsertClients, ""});
  }
  for (const Point& p : points) {
    say_(std::string("validate: ") + p.shape + ", " + std::to_string(p.clients) + " clients\n");
    const Figures f = both(pooled(p.clients), [&](World& w) {
      return std::vector<ShapeFigures>{run_closed_loop(w, p.work, p.clients, window(1500ms))};
    });
    add(p.shape, std::to_string(p.clients) + " clients", f, 0, true, p.note);
  }
}

ValidateResult Validation::run() {
  ValidateResult result;
  if (wanted("incr")) {
    result.knee_per_s = knee(result.knee_source);
    incr(result.knee_per_s);
  }
  if (wanted("mget")) mget();
  pg();
  if (wanted("strategies")) {
    Scenario s = standalone();
    if (options_.quick) {
      // One strategy, two seconds: enough to see both worlds answer.
      std::vector<StrategyConfig> one;
      for (const StrategyConfig& c : s.strategies) {
        if (one.empty() || c.name == "single_counter_redis") one = {c};
      }
      s.strategies = one;
      s.duration_s = std::min(s.duration_s, 2.0);
      s.warmup_s = std::min(s.warmup_s, 0.5);
    }
    std::vector<ValidationRow> rows = validate_strategies(s, options_.repeat_real, say_);
    rows_.insert(rows_.end(), rows.begin(), rows.end());
  }
  result.rows = std::move(rows_);
  return result;
}

}  // namespace

ValidateResult validate(const ValidateOptions& options,
                        const std::function<void(const std::string&)>& say) {
  for (const std::string& s : options.shapes) {
    if (std::find(validate_shape_names().begin(), validate_shape_names().end(), s) ==
        validate_shape_names().end()) {
      throw std::invalid_argument("no shape named '" + s + "'");
    }
  }
  Validation v(options, say);
  return v.run();
}

}  // namespace likesim
