// The flash crowd (workload.flash): a step to `factor` times the background's load at at_s,
// by time rescaling, so the requests before at_s are exactly the plain run's.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "workloads/steady_workload.h"
#include "workloads/workload.h"

namespace likesim {
namespace {

SteadyConfig background() {
  SteadyConfig c;
  c.writes_per_s = 2000;
  c.reads_per_s = 3000;
  c.posts = 500;
  c.unlike_fraction = 0.1;
  return c;
}

std::vector<Request> all(Workload& w) {
  std::vector<Request> out;
  Request r;
  while (w.next(r)) out.push_back(r);
  return out;
}

bool same(const Request& a, const Request& b) {
  return a.intended == b.intended && a.id == b.id && a.post == b.post && a.user == b.user &&
         a.op == b.op && a.batch == b.batch;
}

// Requests with intended time in [from, to).
std::size_t in(const std::vector<Request>& rs, Time from, Time to) {
  std::size_t n = 0;
  for (const Request& r : rs) n += r.intended >= from && r.intended < to;
  return n;
}

// Within 5 standard deviations of a Poisson count of mean `mean`.
void expect_poisson(std::size_t n, double mean) {
  EXPECT_NEAR(static_cast<double>(n), mean, 5 * std::sqrt(mean)) << "mean " << mean;
}

TEST(FlashCrowd, StepsTheRateByFactorInsideTheWindowOnly) {
  SteadyWorkload plain(background(), 11, 10s);
  SteadyWorkload flash(background(), 11, 10s, FlashCrowdConfig{4, 5, 2});
  const std::vector<Request> p = all(plain), f = all(flash);
  // Before at_s: request for request the plain run.
  const std::size_t before = in(p, Time(0), Time(4s));
  ASSERT_EQ(in(f, Time(0), Time(4s)), before);
  for (std::size_t i = 0; i < before; ++i) ASSERT_TRUE(same(p[i], f[i])) << i;
  // 5000/s at 5x for 2 s, then back to 5000/s.
  expect_poisson(in(f, Time(4s), Time(6s)), 5 * 5000 * 2);
  expect_poisson(in(f, Time(6s), Time(10s)), 5000 * 4);
  // Inside and after the window come the plain run's next requests, packed closer: the same
  // posts, users and ops in the same order (only their times moved).
  for (std::size_t i = before; i < f.size() && i < p.size(); ++i) {
    ASSERT_EQ(f[i].post, p[i].post) << i;
    ASSERT_EQ(f[i].user, p[i].user) << i;
    ASSERT_EQ(f[i].op, p[i].op) << i;
  }
  EXPECT_DOUBLE_EQ(flash.offered_rate_at(Time(3s)), 5000);
  EXPECT_DOUBLE_EQ(flash.offered_rate_at(Time(5s)), 25000);
  EXPECT_DOUBLE_EQ(flash.write_rate_at(Time(5s)), 10000);
  EXPECT_DOUBLE_EQ(flash.offered_rate_at(Time(7s)), 5000);
}

TEST(FlashCrowd, ForZeroSecondsLastsToTheEnd) {
  SteadyWorkload flash(background(), 3, 6s, FlashCrowdConfig{2, 3, 0});
  const std::vector<Request> f = all(flash);
  expect_poisson(in(f, Time(0), Time(2s)), 5000 * 2);
  expect_poisson(in(f, Time(2s), Time(6s)), 3 * 5000 * 4);
  Time last{0};
  for (const Request& r : f) {
    ASSERT_LE(last, r.intended);
    last = r.intended;
  }
}

TEST(FlashCrowd, FactorZeroSilencesTheWindow) {
  SteadyWorkload quiet(background(), 5, 6s, FlashCrowdConfig{2, 0, 1});
  const std::vector<Request> q = all(quiet);
  EXPECT_EQ(in(q, Time(2s), Time(3s)), 0u);
  expect_poisson(in(q, Time(3s), Time(6s)), 5000 * 3);
  SteadyWorkload silent(background(), 5, 6s, FlashCrowdConfig{2, 0, 0});
  EXPECT_EQ(in(all(silent), Time(2s), Time(6s)), 0u);
}

TEST(FlashCrowd, MakeWorkloadAppliesTheScenariosFlash) {
  WorkloadConfig c;
  c.steady = background();
  c.flash = FlashCrowdConfig{1, 10, 1};
  auto w = make_workload(c, 7, 3s);
  const std::vector<Request> f = all(*w);
  expect_poisson(in(f, Time(1s), Time(2s)), 10 * 5000);
  c.kind = "celebrity";       // the background of a celebrity run steps too
  c.celebrity.start_s = 100;  // no burst in this run
  auto cw = make_workload(c, 7, 3s);
  expect_poisson(in(all(*cw), Time(1s), Time(2s)), 10 * 5000);
}

}  // namespace
}  // namespace likesim
