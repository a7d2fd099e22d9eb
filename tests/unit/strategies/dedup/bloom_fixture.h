// BloomFixture: one BloomDedup in one simulated world (StrategyHarness's backends behind
// fault-injecting wrappers), driven operation by operation. The write-behind's consumers run
// only after start(), so a test can hold rows pending in the log for as long as it needs.
//
//   BloomFixture f;
//   EXPECT_EQ(f.add(7, 100), DedupAnswer::changed);    // row pending: no consumer yet
//   f.start();
//   f.drain();                                          // the row is in the table
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "strategies/dedup/bloom_dedup.h"
#include "tests/unit/strategies/strategy_harness.h"

namespace likesim {

class BloomFixture {
 public:
  explicit BloomFixture(int log_consumers = 1)
      : h_(StrategyHarness::default_costs(), log_consumers), dedup_(h_.context(), false) {}
  BloomFixture(const BloomFixture&) = delete;
  BloomFixture& operator=(const BloomFixture&) = delete;
  ~BloomFixture() {
    dedup_.stop();
    // Consumers return after their current poll (poll_timeout_ms).
    Scheduler& s = h_.world().scheduler();
    const Time limit = s.now() + 10s;
    while (!s.empty() && s.now() < limit) s.run_one();
    EXPECT_TRUE(s.empty()) << "the write-behind's consumers did not exit after stop()";
  }

  void start() { dedup_.start(); }
  void drain() { h_.run(dedup_.drain()); }

  DedupAnswer add(PostId post, UserId user) {
    DedupAnswer out = DedupAnswer::failed;
    h_.run(do_add(post, user, &out));
    return out;
  }
  DedupAnswer remove(PostId post, UserId user) {
    DedupAnswer out = DedupAnswer::failed;
    h_.run(do_remove(post, user, &out));
    return out;
  }
  StatusResult contains(PostId post, UserId user) {
    StatusResult out{false, false};
    h_.run(do_contains(post, user, &out));
    return out;
  }

  // Reads of the likes table the strategy sent (single EXISTS or a batch of them).
  int table_reads() const {
    int n = 0;
    for (const auto& c : h_db().calls()) n += c.verb == DbVerb::like_exists;
    return n;
  }
  // Every table call (reads and the write-behind's transactions).
  std::size_t db_calls() const { return h_db().calls().size(); }
  bool row(PostId post, UserId user) { return h_.world().postgres().peek_like(post, user); }

  double figure(std::string_view name) const {
    std::vector<Strategy::Figure> figures;
    dedup_.figures(figures);
    for (const auto& f : figures) {
      if (f.name == name) return f.value;
    }
    ADD_FAILURE() << "no figure " << name;
    return -1;
  }

  StrategyHarness& harness() { return h_; }
  BloomDedup& dedup() { return dedup_; }

  Task<void> do_add(PostId post, UserId user, DedupAnswer* out) {
    const DedupAnswer a = co_await dedup_.add(post, user);
    *out = a;
  }
  Task<void> do_remove(PostId post, UserId user, DedupAnswer* out) {
    const DedupAnswer a = co_await dedup_.remove(post, user);
    *out = a;
  }
  Task<void> do_contains(PostId post, UserId user, StatusResult* out) {
    const StatusResult s = co_await dedup_.contains(post, user);
    *out = s;
  }

 private:
  const FaultInjectingDb& h_db() const { return const_cast<StrategyHarness&>(h_).db(); }

  StrategyHarness h_;
  BloomDedup dedup_;
};

}  // namespace likesim
