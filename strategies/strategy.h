// Strategy: the like API every counting strategy implements, once, for both worlds.
//
// Operations are coroutines that co_await backend operations through the StrategyContext;
// a strategy never knows whether it runs in virtual time or against real servers.
//
//   auto s = make_strategy(config, ctx);     // strategies/strategy_factory.h
//   s->start();                              // background flushers / consumers
//   LikeResult r = co_await s->like(request);
//   ...
//   co_await s->drain();                     // after the workload: flush, catch up
//   s->stop();                               // background processes exit
//
// Rules: take parameters by value (lazy tasks outlive references); never co_await inside an
// `if` condition (GCC 12, STYLE.md §7); answer `failed` when a backend reply is not ok.
// The final check never asks a strategy what it stored: it reads the backends
// (engine/run/strategy_storage.h says where each configuration keeps its counts).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/backends/db.h"
#include "engine/backends/kv.h"
#include "engine/backends/log.h"
#include "engine/core/runtime.h"
#include "engine/core/task.h"
#include "engine/model/request.h"
#include "engine/model/results.h"
#include "strategies/strategy_config.h"

namespace likesim {

// What a strategy may use. Kv, Db and Log are cheap handles; an unused one may be invalid.
struct StrategyContext {
  Runtime* runtime = nullptr;
  Kv kv;
  Db db;
  Log log;
  std::uint64_t seed = 0;  // for the strategy's own RandomStreams (e.g. random shard choice)
};

class Strategy {
 public:
  virtual ~Strategy() = default;

  virtual Task<LikeResult> like(Request r) = 0;
  virtual Task<UnlikeResult> unlike(Request r) = 0;
  virtual Task<CountResult> count(PostId post) = 0;
  virtual Task<StatusResult> status(PostId post, UserId user) = 0;
  // Counts and the user's status for posts r.post .. r.post + r.batch - 1. The default asks
  // count() and status() post by post; strategies with a batched read override it.
  virtual Task<BatchCountResult> batch_count(Request r);

  // Starts background processes (flushers, consumers). Called once before the workload.
  virtual void start() {}
  // After the workload: make every acknowledged operation visible in the stored count (flush
  // buffers, let consumers catch up). Returns when done.
  virtual Task<void> drain() { co_return; }
  // Background processes finish their current step and exit.
  virtual void stop() {}

  // Faults (DESIGN.md §5). Return false if the strategy has no such component.
  // App server `index` dies and restarts at once: what it held only in memory is gone.
  virtual bool crash_app_server(int /*index*/) { return false; }
  // Consumer `index` dies after applying its batch and before committing the offset.
  virtual bool crash_consumer(int /*index*/) { return false; }

  // Extra figures for the report (e.g. "flushes", "redelivered_records"), by name.
  struct Figure {
    std::string_view name;
    double value;
  };
  virtual void figures(std::vector<Figure>& /*out*/) const {}
};

}  // namespace likesim
