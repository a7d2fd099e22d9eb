#include "strategies/strategy.h"

namespace likesim {

Task<BatchCountResult> Strategy::batch_count(Request r) {
  BatchCountResult out;
  out.n = r.batch;
  for (int i = 0; i < r.batch; ++i) {
    const PostId post = r.post + static_cast<PostId>(i);
    CountResult c = co_await count(post);
    StatusResult s = co_await status(post, r.user);
    out.counts[i] = c.count;
    out.approximate[i] = c.approximate;
    out.liked[i] = s.liked;
    out.ok = out.ok && c.ok && s.ok;
  }
  co_return out;
}

}  // namespace likesim
