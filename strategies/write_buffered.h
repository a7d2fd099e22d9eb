// WriteBuffered: each app server adds up like deltas in memory and flushes them every
// flush_interval_ms in one pipeline (INCRBY per post) or one transaction (n = n + delta).
//
// Trade-off (seed 002 "write buffering"): the counter sees one write per post per flush
// instead of one per like, so a celebrity post costs the store almost nothing; but a like is
// acknowledged before it is counted (counts lag by up to one interval) and an app server that
// crashes loses what it had not flushed — the report counts those likes exactly.
// A request goes to app server mix64(request id) % app_servers, so a retry lands on the same
// server. A flush already sent when its server crashes still lands: it left the process. If
// the store refuses that flush (certainly not applied), its deltas would go back into the
// buffer, but the process that held them is gone: they are lost with the rest.
//
//   WriteBuffered s(ctx, WriteBufferedKnobs{.app_servers = 4, .flush_interval_ms = 100});
//   s.start();                  // one flusher per app server
//   s.crash_app_server(0);      // its unflushed deltas are gone
#pragma once

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/core/random_stream.h"
#include "strategies/stored_counter_strategy.h"

namespace likesim {

class WriteBuffered final : public StoredCounterStrategy {
 public:
  WriteBuffered(const StrategyContext& ctx, const WriteBufferedKnobs& knobs);

  Task<LikeResult> like(Request r) override;
  Task<UnlikeResult> unlike(Request r) override;
  void start() override;
  Task<void> drain() override;
  void stop() override {
    stopping_ = true;
    StoredCounterStrategy::stop();
  }
  bool crash_app_server(int index) override;
  void figures(std::vector<Figure>& out) const override;

 private:
  using Buffer = absl::flat_hash_map<PostId, std::int64_t>;
  std::size_t server_of(const Request& r) const;
  Task<void> flusher(std::size_t server);
  // Sends everything server `server` holds; deltas the store certainly did not apply go back,
  // unless the server crashed meanwhile.
  Task<void> flush(std::size_t server);
  void count_lost(std::int64_t delta);

  WriteBufferedKnobs knobs_;
  Runtime* rt_;
  std::vector<Buffer> buffers_;
  std::vector<std::uint64_t> epochs_;  // per server: crashes so far (a flush checks on resume)
  bool stopping_ = false;
  int flushes_in_flight_ = 0;
  std::uint64_t flushes_ = 0;
  std::uint64_t likes_lost_ = 0;    // +1 deltas dropped by crashes
  std::uint64_t unlikes_lost_ = 0;  // -1 deltas dropped by crashes
  std::uint64_t uncertain_flushes_ = 0;
};

}  // namespace likesim
