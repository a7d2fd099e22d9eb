#include "engine/run/answer_check.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "engine/core/random_stream.h"

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

// Thousands of requests in flight over pairs that repeat, sent and answered in random order:
// every judgement is the one the plain rule gives, kept here in an ordered map: another write
// of the pair in flight at the answer, or one that ended after the send, makes a contradicting
// answer acceptable. With the users in a workload's order too (the table is keyed by slot).
void judges_as_the_plain_rule(UserOrder order) {
  struct Model {
    std::uint32_t requests = 0, writes = 0;
    std::uint64_t last_write_end = 0;
  };
  struct InFlight {
    Request r;
    std::uint64_t sent;
  };
  Oracle o;  // empty: nothing is liked, so an already_liked or a liked status contradicts it
  AnswerCheck a;
  a.order_users(order);
  std::map<std::uint64_t, Model> model;
  std::uint64_t seq = 0;
  std::vector<InFlight> flying;
  RandomStream rng(3, "answer-check-test");
  int judged = 0, acceptable = 0;
  const auto answer = [&](std::size_t i) {
    const InFlight f = flying[i];
    flying[i] = flying.back();
    flying.pop_back();
    const bool write = f.r.op == Op::like;
    Model& m = model[pack_like(f.r.post, f.r.user)];
    const bool unsettled = m.writes - (write ? 1u : 0u) > 0 || m.last_write_end > f.sent;
    const bool wrong = write ? a.like_wrong(f.r, f.sent, LikeResult::already_liked, o)
                             : a.status_wrong(f.r, f.sent, StatusResult{true, true}, o);
    ASSERT_EQ(wrong, !unsettled) << "judgement " << judged;
    ++judged;
    acceptable += unsettled ? 1 : 0;
    a.on_answer(f.r);
    if (write) {
      --m.writes;
      m.last_write_end = ++seq;
    }
    if (--m.requests == 0) model.erase(pack_like(f.r.post, f.r.user));
  };
  for (int step = 0; step < 400'000; ++step) {
    // Sends outnumber answers for the first half (thousands in flight), then answers win.
    const bool send = flying.empty() || rng.uniform01() < (step < 200'000 ? 0.6 : 0.4);
    if (send) {
      const Op op = rng.bernoulli(0.5) ? Op::like : Op::status;
      const Request r = req(op, static_cast<PostId>(1 + rng.uniform_int(8)),
                            static_cast<UserId>(1 + rng.uniform_int(3000)));
      const std::uint64_t sent = a.on_send(r);
      ++seq;
      Model& m = model[pack_like(r.post, r.user)];
      ++m.requests;
      if (op == Op::like) ++m.writes;
      flying.push_back({r, sent});
    } else {
      answer(static_cast<std::size_t>(rng.uniform_int(flying.size())));
      if (::testing::Test::HasFatalFailure()) return;
    }
    ASSERT_EQ(a.pairs_tracked(), model.size());
  }
  while (!flying.empty()) {
    answer(flying.size() - 1);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_EQ(a.pairs_tracked(), 0u);
  EXPECT_GT(judged, 150'000);
  EXPECT_GT(acceptable, 1000);           // overlapping writes of one pair happened
  EXPECT_GT(judged - acceptable, 1000);  // and lone requests, judged wrong
}

TEST(AnswerCheck, JudgesAsThePlainRuleDoesWithThousandsOfRequestsInFlight) {
  judges_as_the_plain_rule(UserOrder{});
}

TEST(AnswerCheck, JudgesTheSameWithUsersInAFansOrder) {
  judges_as_the_plain_rule(UserOrder::by_rank(UserPermutation(9, 3000)));
}

}  // namespace
}  // namespace likesim
