// RetryingClient: clients that give up on a slow call and send it again (workload.client,
// ClientRetryConfig) — the closed loop that turns a slow backend into a retry storm.
//
// StrategyRun drives one call per request through it. Each attempt is sent with the request's
// own id (a resend has retry = true) and raced against a timer: whichever comes first decides
// the attempt. An answer first is accepted; a timeout first abandons the attempt (it keeps
// running on the backends, and its answer, when it comes, still goes to the truth but not to
// the client: a late answer), and the client resends after a backoff with jitter while it has
// attempts left and the retry budget (a token bucket: each original request adds `budget`
// tokens, each retry takes one) allows, or gives up. The jitter is drawn from a stream keyed by
// the request id, so every strategy and both worlds see the same backoffs. Wake-ups go through
// the Runtime (resume_at), so the same code runs in virtual time and on Asio.
//
// A call stays open until its client is done and every attempt and timer of it has finished,
// so a run that waits for open_calls() == 0 leaves no coroutine behind.
//
//   Call c = client.open(r);
//   for (int k = 1;; ++k) {
//     Request send = client.begin_attempt(c, r, k);
//     rt.start_now(serve(send, Attempt{c, k}));    // serve() calls client.on_answer(...)
//     rt.start_now(client.timer(c, k));
//     co_await client.wait(c);
//     if (client.answered(c)) break;                  // client.outcome(c)
//     std::optional<Duration> b = client.after_timeout(c, k);
//     if (!b) break;                                  // gave up: the request failed
//     co_await rt.sleep_for(*b);
//   }
//   client.close(c);
#pragma once

#include <coroutine>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "engine/core/random_stream.h"
#include "engine/core/runtime.h"
#include "engine/metrics/run_report.h"
#include "engine/model/request.h"
#include "workloads/workload_config.h"

namespace likesim {

class RetryingClient {
 public:
  using Call = std::uint32_t;
  static constexpr Call kNoCall = ~Call{0};
  // One attempt of a call, as serve() knows it (call = kNoCall: no retrying client).
  struct Attempt {
    Call call = kNoCall;
    int number = 0;
  };
  // What an attempt's answer was, as the client sees it.
  struct Outcome {
    bool ok = false;          // not failed
    bool refused = false;     // already_liked / not_liked
    std::uint8_t answer = 2;  // RecordedAnswer::answer
  };

  RetryingClient(const ClientRetryConfig& config, std::uint64_t seed, Runtime& rt);

  bool enabled() const { return timeout_ > Duration(0); }
  // Whether the client retries `r` (writes always; reads if config.reads).
  bool retries(const Request& r) const {
    return enabled() && (config_.reads || r.op == Op::like || r.op == Op::unlike);
  }

  // A new call for original request `r` (deposits its budget tokens).
  Call open(const Request& r);
  // Attempt `number` (1 = the original) is sent now: returns the request to send.
  Request begin_attempt(Call c, const Request& r, int number);
  // Attempt `number`'s timer: decides the attempt as timed out unless answered by then.
  Task<void> timer(Call c, int number);
  // An attempt's answer (from serve()): decides the attempt if it is the one waited for.
  void on_answer(Attempt a, const Outcome& o);

  struct WaitAwaiter {
    RetryingClient* client;
    Call call;
    bool await_ready() const noexcept { return client->calls_[call].decided; }
    void await_suspend(std::coroutine_handle<> h) noexcept {
      client->calls_[call].waiter = h;
      client->calls_[call].waiting = true;
    }
    void await_resume() const noexcept {}
  };
  // Waits until the current attempt is decided.
  WaitAwaiter wait(Call c) { return WaitAwaiter{this, c}; }
  bool answered(Call c) const { return calls_[c].answered; }
  const Outcome& outcome(Call c) const { return calls_[c].outcome; }
  // Attempt `number` timed out: the backoff before the next, or nullopt when the client gives
  // up (no attempts left, or the budget refused the retry).
  std::optional<Duration> after_timeout(Call c, int number);
  // The client is done with the call (its attempts and timers may still be running).
  void close(Call c) { release(c); }

  // Calls not finished (their client, an attempt or a timer still running).
  std::size_t open_calls() const { return open_; }
  // Sends and originals since the last call (for the time series' per-interval columns).
  struct IntervalCounts {
    std::uint64_t sends = 0, originals = 0;
  };
  IntervalCounts take_interval() { return std::exchange(interval_, IntervalCounts{}); }

  // The backoff before retry `retry` (1 = the first resend) for a jitter draw u in [0, 1).
  Duration backoff(int retry, double u) const;
  // The whole run's figures (peak_interval_amplification is the caller's).
  ClientRetryFigures figures() const;

 private:
  struct CallState {
    std::coroutine_handle<> waiter;
    std::optional<RandomStream> jitter;  // made at the first retry
    RequestId id = 0;
    int current = 0;       // the attempt waited for
    bool decided = false;  // the current attempt is answered or timed out
    bool answered = false;
    bool waiting = false;  // the client is suspended in wait()
    Outcome outcome;
    std::uint32_t refs = 0;  // the client, attempts and timers running
  };
  // Decides the current attempt and wakes the client (through the runtime, never inline).
  void decide(Call c, bool answered, const Outcome& o);
  void release(Call c);

  ClientRetryConfig config_;
  std::uint64_t seed_;
  Runtime* rt_;
  Duration timeout_;
  double tokens_ = 0;
  std::vector<CallState> calls_;  // by Call; slots reused
  std::vector<Call> free_;
  std::size_t open_ = 0;
  IntervalCounts interval_;
  ClientRetryFigures figures_;
};

}  // namespace likesim
