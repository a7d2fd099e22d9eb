#include "workloads/steady_workload.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace likesim {
namespace {

std::vector<Request> drain(Workload& w) {
  std::vector<Request> out;
  Request r;
  while (w.next(r)) out.push_back(r);
  return out;
}

bool same(const Request& a, const Request& b) {
  return a.intended == b.intended && a.id == b.id && a.post == b.post && a.user == b.user &&
         a.op == b.op && a.batch == b.batch && a.retry == b.retry;
}

SteadyConfig small() {
  SteadyConfig c;
  c.writes_per_s = 2000;
  c.reads_per_s = 8000;
  c.posts = 1000;
  c.users = 5000;
  c.unlike_fraction = 0.2;
  c.status_fraction = 0.25;
  c.batch_fraction = 0.25;
  c.batch_size = 20;
  return c;
}

TEST(SteadyWorkload, TimesNonDecreasingIdsIncreasingWithinDuration) {
  SteadyWorkload w(small(), 7, 5s);
  const auto reqs = drain(w);
  ASSERT_FALSE(reqs.empty());
  for (std::size_t i = 1; i < reqs.size(); ++i) {
    ASSERT_LE(reqs[i - 1].intended, reqs[i].intended);
    ASSERT_EQ(reqs[i].id, reqs[i - 1].id + 1);
  }
  EXPECT_EQ(reqs.front().id, 1u);
  EXPECT_GE(reqs.front().intended.count(), 0);
  EXPECT_LT(reqs.back().intended, Time(5s));
}

TEST(SteadyWorkload, SameSeedSameStreamOtherSeedDiffers) {
  SteadyWorkload a(small(), 42, 2s), b(small(), 42, 2s), c(small(), 43, 2s);
  const auto ra = drain(a), rb = drain(b), rc = drain(c);
  ASSERT_EQ(ra.size(), rb.size());
  for (std::size_t i = 0; i < ra.size(); ++i) ASSERT_TRUE(same(ra[i], rb[i])) << i;
  std::size_t differing = 0;
  for (std::size_t i = 0; i < std::min(ra.size(), rc.size()); ++i) differing += !same(ra[i], rc[i]);
  EXPECT_GT(differing, ra.size() / 2);
}

TEST(SteadyWorkload, ChangingTheReadMixDoesNotMoveWrites) {
  SteadyConfig other = small();
  other.status_fraction = 0.9;
  other.batch_fraction = 0.0;
  SteadyWorkload a(small(), 5, 2s), b(other, 5, 2s);
  std::vector<Request> wa, wb;
  for (const auto& r : drain(a))
    if (r.op == Op::like || r.op == Op::unlike) wa.push_back(r);
  for (const auto& r : drain(b))
    if (r.op == Op::like || r.op == Op::unlike) wb.push_back(r);
  ASSERT_EQ(wa.size(), wb.size());
  for (std::size_t i = 0; i < wa.size(); ++i) {
    ASSERT_EQ(wa[i].intended, wb[i].intended);
    ASSERT_EQ(wa[i].post, wb[i].post);
    ASSERT_EQ(wa[i].user, wb[i].user);
    ASSERT_EQ(wa[i].op, wb[i].op);
  }
}

TEST(SteadyWorkload, RatesAndMixMatchTheConfigOverALongWindow) {
  SteadyConfig c = small();
  c.unlike_fraction = 0.1;
  SteadyWorkload w(c, 3, 100s);
  std::uint64_t ops[kOpCount] = {};
  Request r;
  while (w.next(r)) ++ops[static_cast<int>(r.op)];
  const double writes = static_cast<double>(ops[0] + ops[1]) / 100;
  const double reads = static_cast<double>(ops[2] + ops[3] + ops[4]) / 100;
  EXPECT_NEAR(writes, 2000, 2000 * 0.02);
  EXPECT_NEAR(reads, 8000, 8000 * 0.02);
  EXPECT_NEAR(static_cast<double>(ops[1]) / 100, 200, 200 * 0.05);    // unlikes
  EXPECT_NEAR(static_cast<double>(ops[3]) / 100, 2000, 2000 * 0.03);  // status
  EXPECT_NEAR(static_cast<double>(ops[4]) / 100, 2000, 2000 * 0.03);  // batch_count
  EXPECT_NEAR(static_cast<double>(ops[2]) / 100, 4000, 4000 * 0.03);  // count
  EXPECT_DOUBLE_EQ(w.offered_rate_at(Time(50s)), 10000);
  EXPECT_DOUBLE_EQ(w.offered_rate_at(Time(100s)), 0);
}

TEST(SteadyWorkload, PostsAreZipfAndInRangeUsersInRange) {
  SteadyConfig c = small();
  c.batch_fraction = 0;
  SteadyWorkload w(c, 11, 20s);
  std::vector<std::uint64_t> hits(c.posts + 1);
  Request r;
  while (w.next(r)) {
    ASSERT_GE(r.post, 1u);
    ASSERT_LE(r.post, c.posts);
    ASSERT_GE(r.user, 1u);
    ASSERT_LE(r.user, c.users);
    if (r.op != Op::unlike) ++hits[r.post];
  }
  // Zipf(1): post 1 is drawn about twice as often as post 2 and ten times as often as post 10.
  EXPECT_NEAR(static_cast<double>(hits[1]) / static_cast<double>(hits[2]), 2.0, 0.15);
  EXPECT_NEAR(static_cast<double>(hits[1]) / static_cast<double>(hits[10]), 10.0, 1.0);
}

TEST(SteadyWorkload, UnlikesOnlyUndoIssuedLikes) {
  SteadyConfig c = small();
  c.unlike_fraction = 0.5;
  c.users = 1000000;
  SteadyWorkload w(c, 9, 20s);
  absl::flat_hash_set<std::uint64_t> liked;
  std::uint64_t unlikes = 0;
  Request r;
  while (w.next(r)) {
    if (r.op == Op::like) liked.insert(pack_like(r.post, r.user));
    if (r.op == Op::unlike) {
      ++unlikes;
      ASSERT_EQ(liked.erase(pack_like(r.post, r.user)), 1u) << "unlike of a like never issued";
    }
  }
  EXPECT_GT(unlikes, 10000u);
}

TEST(SteadyWorkload, BatchPagesAreAlignedAndClamped) {
  SteadyConfig c = small();
  c.posts = 1010;  // the last page is short: its batches are clamped to end at post 1010
  c.batch_fraction = 1.0;
  c.status_fraction = 0;
  c.writes_per_s = 0;
  SteadyWorkload w(c, 1, 5s);
  Request r;
  std::uint64_t n = 0;
  while (w.next(r)) {
    ASSERT_EQ(r.op, Op::batch_count);
    ASSERT_EQ(r.batch, 20);
    ASSERT_GE(r.post, 1u);
    ASSERT_LE(r.post + r.batch - 1, c.posts);
    ASSERT_TRUE((r.post - 1) % 20 == 0 || r.post == c.posts - 19) << r.post;
    ++n;
  }
  EXPECT_GT(n, 30000u);
}

TEST(SteadyWorkload, ZeroRatesGiveNothing) {
  SteadyConfig c = small();
  c.writes_per_s = 0;
  c.reads_per_s = 0;
  SteadyWorkload w(c, 1, 10s);
  Request r;
  EXPECT_FALSE(w.next(r));
}

}  // namespace
}  // namespace likesim
