#include "engine/run/retrying_client.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace likesim {

RetryingClient::RetryingClient(const ClientRetryConfig& config, std::uint64_t seed, Runtime& rt)
    : config_(config),
      seed_(mix64(seed ^ fnv1a("client.retry"))),
      rt_(&rt),
      timeout_(config.timeout_ms > 0 ? from_millis(config.timeout_ms) : Duration(0)) {
  config_.max_attempts = std::max(config_.max_attempts, 1);
  config_.jitter = std::clamp(config_.jitter, 0.0, 1.0);
  config_.budget = std::max(config_.budget, 0.0);
  figures_.enabled = enabled();
}

RetryingClient::Call RetryingClient::open(const Request& r) {
  Call c;
  if (free_.empty()) {
    c = static_cast<Call>(calls_.size());
    calls_.emplace_back();
  } else {
    c = free_.back();
    free_.pop_back();
    calls_[c] = CallState{};
  }
  calls_[c].id = r.id;
  calls_[c].refs = 1;  // the client
  ++open_;
  ++figures_.originals;
  ++interval_.originals;
  tokens_ += config_.budget;
  return c;
}

Request RetryingClient::begin_attempt(Call c, const Request& r, int number) {
  CallState& s = calls_[c];
  s.current = number;
  s.decided = false;
  s.answered = false;
  s.refs += 2;  // the attempt and its timer
  ++figures_.sends;
  ++interval_.sends;
  Request send = r;
  if (number > 1) send.retry = true;
  return send;
}

void RetryingClient::decide(Call c, bool answered, const Outcome& o) {
  CallState& s = calls_[c];
  s.decided = true;
  s.answered = answered;
  s.outcome = o;
  if (s.waiting) {
    s.waiting = false;
    // Through the runtime: the waker (an attempt's serve(), a timer) finishes first, and the
    // client never runs inside it.
    rt_->resume_at(rt_->now(), s.waiter);
  }
}

Task<void> RetryingClient::timer(Call c, int number) {
  co_await rt_->sleep_for(timeout_);
  CallState& s = calls_[c];
  if (s.current == number && !s.decided) {
    ++figures_.timeouts;
    decide(c, false, Outcome{});
  }
  release(c);
}

void RetryingClient::on_answer(Attempt a, const Outcome& o) {
  CallState& s = calls_[a.call];
  if (s.current == a.number && !s.decided) {
    decide(a.call, true, o);
  } else {
    ++figures_.late_answers;  // abandoned: the truth has it, the client does not
  }
  release(a.call);
}

Duration RetryingClient::backoff(int retry, double u) const {
  double ms = config_.backoff_ms * std::pow(config_.multiplier, retry - 1);
  ms = std::min(ms, config_.max_backoff_ms);
  ms *= 1.0 - config_.jitter * u;
  return from_millis(std::max(ms, 0.0));
}

std::optional<Duration> RetryingClient::after_timeout(Call c, int number) {
  if (number >= config_.max_attempts) {
    ++figures_.failed_attempts;
    return std::nullopt;
  }
  if (tokens_ < 1) {
    ++figures_.budget_refused;
    return std::nullopt;
  }
  tokens_ -= 1;
  ++figures_.retries;
  CallState& s = calls_[c];
  if (!s.jitter) s.jitter.emplace(seed_ ^ mix64(s.id), "client.retry.jitter");
  return backoff(number, s.jitter->uniform01());
}

void RetryingClient::release(Call c) {
  if (--calls_[c].refs > 0) return;
  calls_[c].jitter.reset();
  free_.push_back(c);
  --open_;
}

ClientRetryFigures RetryingClient::figures() const {
  ClientRetryFigures f = figures_;
  f.amplification =
      f.originals ? static_cast<double>(f.sends) / static_cast<double>(f.originals) : 0;
  return f;
}

}  // namespace likesim
