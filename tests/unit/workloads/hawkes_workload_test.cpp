#include "workloads/hawkes_workload.h"

#include <gtest/gtest.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "workloads/workload.h"

namespace likesim {
namespace {

using namespace std::chrono_literals;

WorkloadConfig hawkes() {
  WorkloadConfig c;
  c.kind = "hawkes";
  c.steady.writes_per_s = 500;
  c.steady.reads_per_s = 2000;
  c.steady.posts = 1000;
  c.steady.users = 10000000;
  c.hawkes.kernel = "power_law";
  c.hawkes.power_law_c_s = 30;
  c.hawkes.horizon_s = 3600;
  c.hawkes.rate_multiplier = 1000;
  c.hawkes.cascades_per_s = 5;
  c.hawkes.size_min = 200;
  c.hawkes.size_max = 20000;
  c.hawkes.reads_per_like = 0.5;
  return c;
}

TEST(HawkesWorkload, MergedStreamIsOrderedWithIdsAndDistinctUsersPerViralPost) {
  const WorkloadConfig c = hawkes();
  std::unique_ptr<Workload> w = make_workload(c, 1, 30s);
  ASSERT_NE(dynamic_cast<HawkesWorkload*>(w.get()), nullptr);
  Request r;
  Time prev{0};
  RequestId id = 0;
  absl::flat_hash_set<std::uint64_t> likers;  // post << 32 | user
  absl::flat_hash_map<PostId, std::uint64_t> likes, reads;
  std::uint64_t background = 0;
  while (w->next(r)) {
    ASSERT_LE(prev, r.intended);
    ASSERT_EQ(r.id, ++id);
    prev = r.intended;
    if (r.post <= 1000) {
      ++background;
      continue;
    }
    ASSERT_TRUE(r.op == Op::like || r.op == Op::count);
    if (r.op == Op::like) {
      ASSERT_TRUE(likers.insert(std::uint64_t{r.post} << 32 | r.user).second) << "a liker twice";
      ++likes[r.post];
    } else {
      ++reads[r.post];
    }
  }
  EXPECT_NEAR(static_cast<double>(background), 30 * 2500, 4 * std::sqrt(30 * 2500.0));
  std::uint64_t all_likes = 0, all_reads = 0;
  for (const auto& [post, n] : likes) all_likes += n;
  for (const auto& [post, n] : reads) all_reads += n;
  ASSERT_GT(all_likes, 10000u);
  EXPECT_NEAR(static_cast<double>(all_reads) / static_cast<double>(all_likes), 0.5, 0.03);
  // Viral posts are numbered from posts + 1, one per cascade.
  PostId max_post = 0;
  for (const auto& [post, n] : likes) max_post = std::max(max_post, post);
  EXPECT_GE(max_post, 1001 + 100u);
  EXPECT_LT(max_post, 1001 + 5 * 30 * 2u);
}

TEST(HawkesWorkload, ItsUserOrderIsTheOrderItsViralLikesCome) {
  std::unique_ptr<Workload> w = make_workload(hawkes(), 4, 10s);
  const UserOrder order = w->user_order();
  std::uint32_t likes = 0;
  Request r;
  while (w->next(r)) {
    if (r.post > 1000 && r.op == Op::like) {
      ASSERT_EQ(order.slot(r.user), ++likes) << r.user;
    }
  }
  EXPECT_GT(likes, 1000u);
}

TEST(HawkesWorkload, DeterministicAndTheBackgroundIsTheSteadyRunsOwn) {
  const WorkloadConfig c = hawkes();
  auto a = make_workload(c, 4, 10s), b = make_workload(c, 4, 10s);
  WorkloadConfig steady = c;
  steady.kind = "steady";
  auto s = make_workload(steady, 4, 10s);
  Request ra, rb, rs;
  while (a->next(ra)) {
    ASSERT_TRUE(b->next(rb));
    ASSERT_EQ(ra.intended, rb.intended);
    ASSERT_EQ(ra.post, rb.post);
    ASSERT_EQ(ra.user, rb.user);
    ASSERT_EQ(ra.op, rb.op);
    if (ra.post <= 1000) {  // the background: request for request the steady run's
      ASSERT_TRUE(s->next(rs));
      ASSERT_EQ(ra.intended, rs.intended);
      ASSERT_EQ(ra.post, rs.post);
      ASSERT_EQ(ra.user, rs.user);
    }
  }
  EXPECT_FALSE(b->next(rb));
  EXPECT_FALSE(s->next(rs));
}

TEST(HawkesWorkload, RatesAddTheExpectedLikesToTheBackground) {
  const WorkloadConfig c = hawkes();
  HawkesWorkload w(c.steady, c.hawkes, 1, 30s);
  const double likes = w.cascades().expected_like_rate_at(20);
  EXPECT_GT(likes, 0);
  EXPECT_DOUBLE_EQ(w.write_rate_at(Time(20s)), 500 + likes);
  EXPECT_DOUBLE_EQ(w.offered_rate_at(Time(20s)), 2500 + 1.5 * likes);
  EXPECT_EQ(w.offered_rate_at(Time(30s)), 0);
  EXPECT_EQ(w.first_post(), 1001u);
}

TEST(HawkesWorkload, ABadSizesFileThrowsItsError) {
  WorkloadConfig c = hawkes();
  c.hawkes.sizes_file = "/nonexistent/sizes.csv";
  EXPECT_THROW(make_workload(c, 1, 10s), std::runtime_error);
}

}  // namespace
}  // namespace likesim
