// FaultInjectingLog: a forwarding LogExecutor for strategy tests: the next `times` calls of a
// verb set up with answer() get `status` (after `delay`) without reaching the log.
//
//   FaultInjectingLog log(world.kafka(), world.scheduler());
//   log.answer(LogVerb::append, ReplyStatus::unavailable, /*times=*/1);
//   ctx.log = Log(log);
#pragma once

#include <array>

#include "engine/backends/log.h"
#include "engine/core/scheduler.h"

namespace likesim {

class FaultInjectingLog final : public LogExecutor {
 public:
  FaultInjectingLog(LogExecutor& inner, Scheduler& s) : inner_(&inner), sched_(&s) {}

  void answer(LogVerb verb, ReplyStatus status, int times = 1 << 30, Duration delay = 1us) {
    rules_[static_cast<std::size_t>(verb)] = Rule{status, times, delay};
  }

  std::uint32_t partitions() const override { return inner_->partitions(); }
  std::uint32_t consumers() const override { return inner_->consumers(); }
  void submit(LogCall* call) override {
    Rule& r = rules_[static_cast<std::size_t>(call->verb)];
    if (r.times <= 0) {
      inner_->submit(call);
      return;
    }
    --r.times;
    call->reply = LogReply{r.status, 0, 0, 0};
    sched_->schedule_resume(sched_->now() + r.delay, call->waiter);
  }

 private:
  struct Rule {
    ReplyStatus status = ReplyStatus::ok;
    int times = 0;
    Duration delay{0};
  };
  LogExecutor* inner_;
  Scheduler* sched_;
  std::array<Rule, 4> rules_{};
};

}  // namespace likesim
