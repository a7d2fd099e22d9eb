// FaultInjectingKv: a forwarding KvExecutor for strategy tests (leveldb's EnvWrapper idea).
//
// Every call goes to the wrapped executor and is recorded (kind, size, first verb and key), so a
// test can check what a strategy sent; a call that contains a command of a verb set up with
// answer() is instead answered by the wrapper, after `delay`, without running any command.
//
//   FaultInjectingKv kv(world.redis(), world.scheduler());
//   kv.answer(KvVerb::incr_by, KvReply{0, ReplyStatus::unavailable, false}, /*times=*/1);
//   ctx.kv = Kv(kv);
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/backends/kv.h"
#include "engine/core/scheduler.h"

namespace likesim {

class FaultInjectingKv final : public KvExecutor {
 public:
  struct CallRecord {
    KvCallKind kind;
    std::uint32_t n;
    KvVerb verb;  // of the first command
    KeyId key;    // of the first command
  };

  FaultInjectingKv(KvExecutor& inner, Scheduler& s) : inner_(&inner), sched_(&s) {}

  // The next `times` calls holding a `verb` command get `reply` for every command.
  void answer(KvVerb verb, KvReply reply, int times = 1 << 30, Duration delay = 1us) {
    Rule& r = rules_[static_cast<std::size_t>(verb)];
    r = Rule{reply, times, delay};
  }

  void submit(KvCall* call) override {
    calls_.push_back({call->kind, call->n, call->commands[0].verb, call->commands[0].key});
    for (std::uint32_t i = 0; i < call->n; ++i) {
      Rule& r = rules_[static_cast<std::size_t>(call->commands[i].verb)];
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
    KvReply reply;
    int times = 0;
    Duration delay{0};
  };
  KvExecutor* inner_;
  Scheduler* sched_;
  std::array<Rule, kKvVerbCount> rules_{};
  std::vector<CallRecord> calls_;
};

}  // namespace likesim
