#include "strategies/stored_counter_strategy.h"

namespace likesim {

Task<CountResult> StoredCounterStrategy::count(PostId post) {
  const DbReply r = co_await counter_.read(post);
  co_return CountResult{r.value, approximate_, r.status == ReplyStatus::ok};
}

Task<StatusResult> StoredCounterStrategy::status(PostId post, UserId user) {
  const StatusResult s = co_await dedup_->contains(post, user);
  co_return s;
}

Task<BatchCountResult> StoredCounterStrategy::batch_count(Request r) {
  BatchCountResult out;
  out.n = r.batch;
  const ReplyStatus counted = co_await counter_.read_page(r.post, r.batch, out.counts.data());
  const ReplyStatus statuses =
      co_await dedup_->contains_page(r.post, r.batch, r.user, out.liked.data());
  out.ok = counted == ReplyStatus::ok && statuses == ReplyStatus::ok;
  out.approximate.fill(approximate_);
  co_return out;
}

}  // namespace likesim
