#include "engine/calibrate/saturation.h"

#include <chrono>
#include <cstdint>

namespace likesim {
namespace {

struct Offer {
  Runtime& rt;
  Kv kv;
  Time window_end;
  std::uint64_t done = 0;
  std::uint64_t in_flight = 0;
  bool fed = false;

  Task<void> one() {
    const KvReply r = co_await kv.incr_by(KeyId::counter(6), 1);
    if (r.status == ReplyStatus::ok && rt.now() <= window_end) ++done;
    --in_flight;
  }
  Task<void> feed(double rate, Time start, std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      co_await rt.sleep_until(start + from_seconds(static_cast<double>(i) / rate));
      ++in_flight;
      rt.start_now(one());
    }
    fed = true;
  }
};

}  // namespace

bool keeps_up(Runtime& rt, Kv kv, double rate, Duration window, RunWorldUntil run_until) {
  const Time start = rt.now() + std::chrono::milliseconds(10);
  Offer offer{rt, kv, start + window};
  const auto n = static_cast<std::uint64_t>(rate * to_seconds(window));
  rt.spawn(offer.feed(rate, start, n));
  // Every request is answered (a timeout is an answer); the limit only guards a hang.
  run_until([&] { return offer.fed && offer.in_flight == 0; },
            start + window + std::chrono::seconds(60));
  return static_cast<double>(offer.done) >= 0.95 * static_cast<double>(n);
}

double saturation_knee(absl::FunctionRef<bool(double)> keeps, double start) {
  double kept = 0;
  for (double rate = start; rate < 1e8 && keeps(rate); rate *= 2) kept = rate;
  if (kept == 0) return 0;
  for (double rate = kept * 1.1; rate < kept * 2 && keeps(rate); rate *= 1.1) kept = rate;
  return kept;
}

}  // namespace likesim
