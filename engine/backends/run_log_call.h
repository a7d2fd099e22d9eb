// run_log_call: the one dispatch of a LogCall onto a log built from coroutines — both Redis
// Streams logs (sim::RedisStreamLog on the simulated nodes, real::RedisStreamLog on a real
// server) answer the same four verbs the same way.
//
//   void MyLog::submit(LogCall* call) { rt_->start_now(run_log_call(*rt_, *this, call)); }
//
// `Log` has append(LogEvent), poll(consumer, out, max), commit(partition, offset) returning
// Task<LogReply>, and rewind(consumer) returning LogReply.
#pragma once

#include "engine/backends/log.h"
#include "engine/core/runtime.h"
#include "engine/core/task.h"

namespace likesim {

// Fills call->reply, then resumes call->waiter through the runtime (so the task running this
// finishes before the waiter runs on). `rt` and `log` outlive the task: they own it.
template <class Log>
Task<void> run_log_call(Runtime& rt, Log& log, LogCall* call) {
  // Each awaited value goes into a local first (STYLE.md: GCC 12 miscompiles some co_await
  // expressions).
  if (call->verb == LogVerb::append) {
    const LogReply r = co_await log.append(call->event);
    call->reply = r;
  } else if (call->verb == LogVerb::poll) {
    const LogReply r = co_await log.poll(call->consumer, call->out, call->max);
    call->reply = r;
  } else if (call->verb == LogVerb::commit) {
    const LogReply r = co_await log.commit(call->partition, call->offset);
    call->reply = r;
  } else {
    call->reply = log.rewind(call->consumer);
  }
  rt.resume_at(rt.now(), call->waiter);
}

}  // namespace likesim
