// FaultInjectingDb: a forwarding DbExecutor for strategy tests, as FaultInjectingKv is for Kv.
//
// Records every call (kind, size, first verb); a call holding a statement of a verb set up
// with answer() is answered by the wrapper after `delay`, without running anything.
//
//   FaultInjectingDb db(world.postgres(), world.scheduler());
//   db.answer(DbVerb::counter_add, DbReply{0, ReplyStatus::rejected}, /*times=*/1);
//   ctx.db = Db(db);
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/backends/db.h"
#include "engine/core/scheduler.h"

namespace likesim {

class FaultInjectingDb final : public DbExecutor {
 public:
  struct CallRecord {
    DbCallKind kind;
    std::uint32_t n;
    DbVerb verb;  // of the first statement
  };

  FaultInjectingDb(DbExecutor& inner, Scheduler& s) : inner_(&inner), sched_(&s) {}

  // The next `times` calls holding a `verb` statement get `reply` for every statement.
  void answer(DbVerb verb, DbReply reply, int times = 1 << 30, Duration delay = 1us) {
    rules_[static_cast<std::size_t>(verb)] = Rule{reply, times, delay};
  }

  void submit(DbCall* call) override {
    calls_.push_back({call->kind, call->n, call->statements[0].verb});
    for (std::uint32_t i = 0; i < call->n; ++i) {
      Rule& r = rules_[static_cast<std::size_t>(call->statements[i].verb)];
      if (r.times <= 0) continue;
      --r.times;
      for (std::uint32_t j = 0; j < call->n; ++j) call->replies[j] = r.reply;
      sched_->schedule_resume(sched_->now() + r.delay, call->waiter);
      return;
    }
    inner_->submit(call);
  }

  const std::vector<CallRecord>& calls() const { return calls_; }
  void clear_calls() { calls_.clear(); }

 private:
  struct Rule {
    DbReply reply;
    int times = 0;
    Duration delay{0};
  };
  DbExecutor* inner_;
  Scheduler* sched_;
  std::array<Rule, kDbVerbCount> rules_{};
  std::vector<CallRecord> calls_;
};

}  // namespace likesim
