#include "strategies/write_buffered.h"

#include <algorithm>
#include <utility>

namespace likesim {

WriteBuffered::WriteBuffered(const StrategyContext& ctx, const WriteBufferedKnobs& knobs)
    : StoredCounterStrategy(knobs.store, make_dedup(knobs.dedup, ctx, knobs.dedup_shards), ctx,
                            /*approximate=*/true),
      knobs_(knobs),
      rt_(ctx.runtime),
      buffers_(static_cast<std::size_t>(std::max(1, knobs.app_servers))),
      epochs_(buffers_.size(), 0) {}

std::size_t WriteBuffered::server_of(const Request& r) const {
  return static_cast<std::size_t>(mix64(r.id) % buffers_.size());
}

Task<LikeResult> WriteBuffered::like(Request r) {
  const DedupAnswer added = co_await dedup_->add(r.post, r.user);
  if (added == DedupAnswer::failed) co_return LikeResult::failed;
  if (added == DedupAnswer::unchanged) co_return LikeResult::already_liked;
  buffers_[server_of(r)][r.post] += 1;
  co_return LikeResult::ok;
}

Task<UnlikeResult> WriteBuffered::unlike(Request r) {
  const DedupAnswer removed = co_await dedup_->remove(r.post, r.user);
  if (removed == DedupAnswer::failed) co_return UnlikeResult::failed;
  if (removed == DedupAnswer::unchanged) co_return UnlikeResult::not_liked;
  buffers_[server_of(r)][r.post] -= 1;
  co_return UnlikeResult::ok;
}

void WriteBuffered::start() {
  for (std::size_t i = 0; i < buffers_.size(); ++i) rt_->spawn(flusher(i));
  StoredCounterStrategy::start();
}

Task<void> WriteBuffered::flusher(std::size_t server) {
  const Duration interval = from_millis(knobs_.flush_interval_ms);
  while (!stopping_) {
    co_await rt_->sleep_for(interval);
    co_await flush(server);
  }
}

Task<void> WriteBuffered::flush(std::size_t server) {
  if (buffers_[server].empty()) co_return;
  // Sorted by post: hash-map order is not the same from run to run, and the store's lock
  // order (hence timing) must be.
  std::vector<std::pair<PostId, std::int64_t>> deltas(buffers_[server].begin(),
                                                      buffers_[server].end());
  buffers_[server].clear();
  std::sort(deltas.begin(), deltas.end());
  std::erase_if(deltas, [](const auto& d) { return d.second == 0; });
  if (deltas.empty()) co_return;
  const std::uint64_t epoch = epochs_[server];
  ++flushes_in_flight_;
  const ReplyStatus status = co_await counter_.add_all(deltas);
  --flushes_in_flight_;
  ++flushes_;
  if (status == ReplyStatus::rejected || status == ReplyStatus::unavailable) {
    // Certainly not applied: keep the deltas for the next flush, if the process that holds
    // them is still the one that sent them.
    const bool crashed = epochs_[server] != epoch;
    for (const auto& [post, delta] : deltas) {
      if (crashed) {
        count_lost(delta);
      } else {
        buffers_[server][post] += delta;
      }
    }
  } else if (status != ReplyStatus::ok) {
    ++uncertain_flushes_;  // may have landed: resending could double count
  }
}

Task<void> WriteBuffered::drain() {
  for (;;) {
    for (std::size_t i = 0; i < buffers_.size(); ++i) co_await flush(i);
    bool empty = flushes_in_flight_ == 0;
    for (const Buffer& b : buffers_) empty = empty && b.empty();
    if (empty) break;
    co_await rt_->sleep_for(1ms);
  }
  co_await StoredCounterStrategy::drain();
}

bool WriteBuffered::crash_app_server(int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= buffers_.size()) return false;
  const auto server = static_cast<std::size_t>(index);
  for (const auto& [post, delta] : buffers_[server]) count_lost(delta);
  buffers_[server].clear();
  ++epochs_[server];
  return true;
}

void WriteBuffered::count_lost(std::int64_t delta) {
  // A buffered delta is a net sum: +3 may be 4 likes and an unlike, of which only the net
  // effect on the count is lost.
  if (delta > 0) likes_lost_ += static_cast<std::uint64_t>(delta);
  if (delta < 0) unlikes_lost_ += static_cast<std::uint64_t>(-delta);
}

void WriteBuffered::figures(std::vector<Figure>& out) const {
  out.push_back({"flushes", static_cast<double>(flushes_)});
  out.push_back({"likes_lost_in_crashes", static_cast<double>(likes_lost_)});
  out.push_back({"unlikes_lost_in_crashes", static_cast<double>(unlikes_lost_)});
  out.push_back({"uncertain_flushes", static_cast<double>(uncertain_flushes_)});
  StoredCounterStrategy::figures(out);
}

}  // namespace likesim
