#include "engine/run/answer_check.h"

#include <cassert>

namespace likesim {
namespace {

bool is_write(Op op) { return op == Op::like || op == Op::unlike; }

}  // namespace

void AnswerCheck::enter(PostId post, UserId user, bool write) {
  const std::uint64_t k = key(post, user);
  Block& b = blocks_[k / 64];
  const std::uint64_t bit = std::uint64_t{1} << (k % 64);
  if ((b.flying & bit) == 0) {  // alone: the common case
    b.flying |= bit;
    if (write) b.writing |= bit;
    ++tracked_;
    return;
  }
  // A second request about the pair: it is shared until nothing about it is in flight.
  auto [it, added] = shared_.try_emplace(k);
  SharedPair& p = it->second;
  if (added) {
    p.requests = 1;
    p.writes = (b.writing & bit) != 0 ? 1 : 0;
    b.writing &= ~bit;
  }
  ++p.requests;
  if (write) ++p.writes;
}

// A pair with nothing in flight is forgotten (its state reset): only requests in flight can be
// excused by it.
void AnswerCheck::leave(PostId post, UserId user, bool write) {
  const std::uint64_t k = key(post, user);
  if (write) ++seq_;  // a write's end takes a number whether or not it is remembered
  if (!shared_.empty()) {
    auto it = shared_.find(k);
    if (it != shared_.end()) {
      SharedPair& p = it->second;
      if (write) {
        assert(p.writes > 0);
        --p.writes;
        p.last_write_end = seq_;
      }
      if (--p.requests > 0) return;
      shared_.erase(it);
    }
  }
  auto b = blocks_.find(k / 64);
  assert(b != blocks_.end());
  const std::uint64_t bit = std::uint64_t{1} << (k % 64);
  assert((b->second.flying & bit) != 0);
  b->second.flying &= ~bit;
  b->second.writing &= ~bit;
  --tracked_;
  if (b->second.flying == 0) blocks_.erase(b);
}

std::uint64_t AnswerCheck::on_send(const Request& r) {
  const std::uint64_t sent = ++seq_;
  if (r.op == Op::batch_count) {
    for (int i = 0; i < r.batch; ++i) enter(r.post + static_cast<PostId>(i), r.user, false);
  } else if (r.op != Op::count) {
    enter(r.post, r.user, is_write(r.op));
  }
  return sent;
}

void AnswerCheck::on_answer(const Request& r) {
  if (r.op == Op::batch_count) {
    for (int i = 0; i < r.batch; ++i) leave(r.post + static_cast<PostId>(i), r.user, false);
  } else if (r.op != Op::count) {
    leave(r.post, r.user, is_write(r.op));
  }
}

bool AnswerCheck::unsettled(PostId post, UserId user, std::uint64_t sent, bool self_is_write,
                            const Oracle& o) const {
  if (o.maybe_liked(post, user) || o.maybe_unliked(post, user)) return true;
  // A pair alone in flight has only this request: nothing else moved its truth.
  if (shared_.empty()) return false;
  auto it = shared_.find(key(post, user));
  if (it == shared_.end()) return false;
  const SharedPair& p = it->second;
  const std::uint32_t others = p.writes - (self_is_write ? 1u : 0u);
  return others > 0 || p.last_write_end > sent;
}

bool AnswerCheck::wrong(const Request& r, std::uint64_t sent, bool answered_liked,
                        bool self_is_write, const Oracle& o) const {
  if (o.liked(r.post, r.user) == answered_liked) return false;
  return !unsettled(r.post, r.user, sent, self_is_write, o);
}

// A like answered ok says "was not liked"; already_liked says "was liked".
bool AnswerCheck::like_wrong(const Request& r, std::uint64_t sent, LikeResult res,
                             const Oracle& o) const {
  if (res == LikeResult::failed) return false;
  return wrong(r, sent, res == LikeResult::already_liked, true, o);
}

// An unlike answered ok says "was liked"; not_liked says "was not".
bool AnswerCheck::unlike_wrong(const Request& r, std::uint64_t sent, UnlikeResult res,
                               const Oracle& o) const {
  if (res == UnlikeResult::failed) return false;
  return wrong(r, sent, res == UnlikeResult::ok, true, o);
}

bool AnswerCheck::status_wrong(const Request& r, std::uint64_t sent, const StatusResult& res,
                               const Oracle& o) const {
  if (!res.ok) return false;
  return wrong(r, sent, res.liked, false, o);
}

bool AnswerCheck::page_wrong(const Request& r, std::uint64_t sent, const BatchCountResult& res,
                             const Oracle& o) const {
  if (!res.ok) return false;
  for (int i = 0; i < res.n && i < r.batch; ++i) {
    const PostId post = r.post + static_cast<PostId>(i);
    const bool liked = res.liked[static_cast<std::size_t>(i)];
    if (o.liked(post, r.user) != liked && !unsettled(post, r.user, sent, false, o)) return true;
  }
  return false;
}

}  // namespace likesim
