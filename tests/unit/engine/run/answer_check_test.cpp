#include "engine/run/answer_check.h"

#include <gtest/gtest.h>

namespace likesim {
namespace {

Request req(Op op, PostId post, UserId user, std::uint8_t batch = 0) {
  return Request{Time(0), 1, post, user, op, batch, false};
}

// Answers that contradict the truth with nothing in flight are wrong; the right ones are not.
TEST(AnswerCheck, JudgesEachOperationAgainstTheTruth) {
  Oracle o;
  AnswerCheck a;
  o.on_like_ok(1, 1, Time(1s));
  const Request like = req(Op::like, 1, 1);
  std::uint64_t t = a.on_send(like);
  EXPECT_TRUE(a.like_wrong(like, t, LikeResult::ok, o));  // already liked: a dedup violation
  EXPECT_FALSE(a.like_wrong(like, t, LikeResult::already_liked, o));
  EXPECT_FALSE(a.like_wrong(like, t, LikeResult::failed, o));
  a.on_answer(like);
  const Request fresh = req(Op::like, 1, 2);
  t = a.on_send(fresh);
  EXPECT_TRUE(a.like_wrong(fresh, t, LikeResult::already_liked, o));  // a wrong 409
  a.on_answer(fresh);
  const Request unlike = req(Op::unlike, 1, 1);
  t = a.on_send(unlike);
  EXPECT_TRUE(a.unlike_wrong(unlike, t, UnlikeResult::not_liked, o));  // a wrong 404
  EXPECT_FALSE(a.unlike_wrong(unlike, t, UnlikeResult::ok, o));
  a.on_answer(unlike);
  const Request status = req(Op::status, 1, 2);
  t = a.on_send(status);
  EXPECT_TRUE(a.status_wrong(status, t, StatusResult{true, true}, o));
  EXPECT_FALSE(a.status_wrong(status, t, StatusResult{true, false}, o));  // failed: no claim
  a.on_answer(status);
  const Request page = req(Op::batch_count, 0, 1, 3);  // posts 0, 1, 2
  t = a.on_send(page);
  BatchCountResult res;
  res.n = 3;
  res.liked = {false, true, false};
  EXPECT_FALSE(a.page_wrong(page, t, res, o));
  res.liked[2] = true;
  EXPECT_TRUE(a.page_wrong(page, t, res, o));
  a.on_answer(page);
  EXPECT_EQ(a.pairs_tracked(), 0u);
}

// A write of the same pair in flight at any moment between a request's send and its answer
// makes either answer acceptable: in flight at the send, or started and finished in between.
// One that ended before the send does not.
TEST(AnswerCheck, AcceptsEitherAnswerWhileAWriteOfThePairOverlaps) {
  Oracle o;
  AnswerCheck a;
  const Request status = req(Op::status, 3, 4);
  const Request like = req(Op::like, 3, 4);

  std::uint64_t tl = a.on_send(like);  // in flight at the status's send
  std::uint64_t ts = a.on_send(status);
  EXPECT_FALSE(a.status_wrong(status, ts, StatusResult{true, true}, o));
  EXPECT_FALSE(a.like_wrong(like, tl, LikeResult::ok, o));
  a.on_answer(like);
  o.on_like_ok(3, 4, Time(1s));
  EXPECT_FALSE(a.status_wrong(status, ts, StatusResult{false, true}, o));  // ended after send
  a.on_answer(status);

  ts = a.on_send(status);  // the like ended before this send: no excuse
  EXPECT_TRUE(a.status_wrong(status, ts, StatusResult{false, true}, o));
  const Request unlike = req(Op::unlike, 3, 4);
  tl = a.on_send(unlike);  // starts and ends inside the status
  a.on_answer(unlike);
  o.on_unlike_ok(3, 4, Time(2s));
  EXPECT_FALSE(a.status_wrong(status, ts, StatusResult{true, true}, o));
  a.on_answer(status);

  // A failed write that may have landed excuses the pair for good.
  o.on_like_failed(3, 4);
  ts = a.on_send(status);
  EXPECT_FALSE(a.status_wrong(status, ts, StatusResult{true, true}, o));
  a.on_answer(status);
  EXPECT_EQ(a.pairs_tracked(), 0u);
}

}  // namespace
}  // namespace likesim
