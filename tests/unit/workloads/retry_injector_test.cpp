#include "workloads/retry_injector.h"

#include <gtest/gtest.h>

#include "absl/container/flat_hash_map.h"
#include "workloads/workload.h"

namespace likesim {
namespace {

WorkloadConfig with_retries(double fraction) {
  WorkloadConfig c;
  c.steady.writes_per_s = 5000;
  c.steady.reads_per_s = 5000;
  c.steady.posts = 100;
  c.retry_fraction = fraction;
  c.retry_delay_ms = 50;
  return c;
}

TEST(RetryInjector, RetriesReuseIdsAndFollowTheOriginal) {
  auto w = make_workload(with_retries(0.1), 4, 20s);
  absl::flat_hash_map<RequestId, Request> originals;
  RequestId max_id = 0;
  std::uint64_t writes = 0, retries = 0;
  double delay_ms = 0;
  Time last{0};
  Request r;
  while (w->next(r)) {
    ASSERT_LE(last, r.intended);
    last = r.intended;
    if (!r.retry) {
      ASSERT_GT(r.id, max_id);  // new requests: increasing ids
      max_id = r.id;
      if (r.op == Op::like || r.op == Op::unlike) {
        ++writes;
        originals.emplace(r.id, r);
      }
      continue;
    }
    ++retries;
    auto it = originals.find(r.id);
    ASSERT_NE(it, originals.end()) << "a retry of an unknown id";
    const Request& o = it->second;
    EXPECT_EQ(r.post, o.post);
    EXPECT_EQ(r.user, o.user);
    EXPECT_EQ(r.op, o.op);
    EXPECT_GE(r.intended, o.intended);
    delay_ms += to_millis(r.intended - o.intended);
    originals.erase(it);  // one retry per request
  }
  EXPECT_LT(last, Time(20s));
  EXPECT_NEAR(static_cast<double>(retries) / static_cast<double>(writes), 0.1, 0.005);
  EXPECT_NEAR(delay_ms / static_cast<double>(retries), 50, 2.5);
  EXPECT_NEAR(w->offered_rate_at(Time(1s)), 10000 + 0.1 * 5000, 1e-9);
}

TEST(RetryInjector, OnlyWritesAreRetriedAndInnerStreamIsUnchanged) {
  auto plain = make_workload(with_retries(0), 8, 5s);
  auto retried = make_workload(with_retries(0.3), 8, 5s);
  Request a, b;
  while (retried->next(b)) {
    if (b.retry) {
      EXPECT_TRUE(b.op == Op::like || b.op == Op::unlike);
      continue;
    }
    ASSERT_TRUE(plain->next(a));
    ASSERT_EQ(a.id, b.id);
    ASSERT_EQ(a.intended, b.intended);
    ASSERT_EQ(a.user, b.user);
  }
  EXPECT_FALSE(plain->next(a));
}

}  // namespace
}  // namespace likesim
