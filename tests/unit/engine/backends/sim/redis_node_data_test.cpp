// The simulated node's data through many keys: it remembers the counter and the set it wrote
// last (pointers into its maps), which must stay right while other keys make the maps grow and
// after a DEL.
#include <gtest/gtest.h>

#include <vector>

#include "engine/backends/kv.h"
#include "engine/backends/sim/redis_node.h"

namespace likesim::sim {
namespace {

class Node {
 public:
  Node() : node_(costs_, RandomStream(1, "test")) {}
  std::int64_t run(const KvCommand& c) {
    KvReply reply;
    const int which = 0;
    node_.serve(Time(0), &c, &reply, &which, 1, false, 0, closed_);
    EXPECT_EQ(reply.status, ReplyStatus::ok);
    return reply.value;
  }
  std::int64_t like(PostId p, UserId u) {
    return run({KeyId::like_set(p), KeyId::counter(p), u, KvVerb::like_script});
  }
  RedisNode& node() { return node_; }

 private:
  RedisCosts costs_;
  RedisNode node_;
  std::vector<ClosedRequest> closed_;
};

TEST(RedisNodeData, CountersAndSetsStayExactWhileOtherKeysGrowTheMapsAndAfterADel) {
  Node n;
  EXPECT_EQ(n.like(1, 5), 1);
  for (PostId p = 2; p < 3000; ++p) {
    ASSERT_EQ(n.like(p, 5), 1);
    ASSERT_EQ(n.like(1, 5), 0) << "after post " << p;  // already in post 1's set
  }
  EXPECT_EQ(n.like(1, 6), 1);
  EXPECT_EQ(n.node().peek_value(KeyId::counter(1)), 2);
  EXPECT_EQ(n.node().peek_value(KeyId::counter(2999)), 1);
  EXPECT_EQ(n.run({KeyId::counter(1), {}, 0, KvVerb::del}), 1);
  EXPECT_EQ(n.node().peek_value(KeyId::counter(1)), 0);
  EXPECT_EQ(n.run(KvCommand::incr_by(KeyId::counter(1), 3)), 3);
  EXPECT_EQ(n.like(1, 7), 1);
  EXPECT_EQ(n.node().peek_value(KeyId::counter(1)), 4);
  int members_of_1 = 0, members = 0;
  n.node().for_each_set([&](const KeyId& k, const UserSet& set) {
    members += static_cast<int>(set.size());
    if (k == KeyId::like_set(1)) members_of_1 += static_cast<int>(set.size());
  });
  EXPECT_EQ(members_of_1, 3);
  EXPECT_EQ(members, 3 + 2998);
}

}  // namespace
}  // namespace likesim::sim
