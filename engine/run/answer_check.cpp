#include "engine/run/answer_check.h"

#include <cassert>

namespace likesim {
namespace {

bool is_write(Op op) { return op == Op::like || op == Op::unlike; }

}  // namespace

void AnswerCheck::enter(PostId post, UserId user, bool write) {
  const std::uint64_t k = key(post, user);
  Block& b = blocks_[k / kBlock];
  PairState& p = b.pairs[k % kBlock];
  if (p.requests++ == 0) {
    ++b.tracked;
    ++tracked_;
  }
  if (write) ++p.writes;
}

// A pair with nothing in flight is forgotten (its state reset): only requests in flight can be
// excused by it.
void AnswerCheck::leave(PostId post, UserId user, bool write) {
  const std::uint64_t k = key(post, user);
  auto it = blocks_.find(k / kBlock);
  assert(it != blocks_.end());
  Block& b = it->second;
  PairState& p = b.pairs[k % kBlock];
  assert(p.requests > 0);
  if (write) {
    --p.writes;
    p.last_write_end = ++seq_;
  }
  if (--p.requests > 0) return;
  p = PairState{};
  --tracked_;
  if (--b.tracked == 0) blocks_.erase(it);
}

const AnswerCheck::PairState* AnswerCheck::find(PostId post, UserId user) const {
  const std::uint64_t k = key(post, user);
  auto it = blocks_.find(k / kBlock);
  if (it == blocks_.end()) return nullptr;
  const PairState& p = it->second.pairs[k % kBlock];
  return p.requests > 0 ? &p : nullptr;
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
  const PairState* p = find(post, user);
  if (p == nullptr) return false;  // cannot happen while the request is registered
  const std::uint32_t others = p->writes - (self_is_write ? 1u : 0u);
  return others > 0 || p->last_write_end > sent;
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
