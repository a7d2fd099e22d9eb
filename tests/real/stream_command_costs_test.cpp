// measure_stream_command_costs against the standalone node of `scripts/backends up`: every
// figure is a server-side time that the commands really ran (calls counted by the server).
// Which of two measured times is larger is not asserted: on a loaded 2-core machine a run of
// 256 calls can stall (that is a benchmark's question, not a test's); the fits are.
#include "engine/backends/real/stream_command_costs.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace likesim::real {
namespace {

TEST(StreamCommandCosts, MeasuresEveryCommandOnTheRealNode) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  RedisOptions o;
  o.nodes = {{"127.0.0.1", 7001}};
  RedisClient redis(rt, o);
  const StreamCommandCosts c = measure_stream_command_costs(rt, redis, 0, 256);
  for (const double us :
       {c.xadd_us, c.read1_us, c.read16_us, c.read_empty_us, c.ack1_us, c.ack16_us}) {
    EXPECT_GT(us, 0.0);
    EXPECT_LT(us, 10'000.0);  // a service time, not a stall
  }
  // The fits: per entry / per ID is the difference over the 15 extra (never negative), the
  // base what one costs beyond it.
  EXPECT_NEAR(15 * c.xread_entry_us(), std::max(0.0, c.read16_us - c.read1_us), 1e-9);
  EXPECT_NEAR(15 * c.xack_id_us(), std::max(0.0, c.ack16_us - c.ack1_us), 1e-9);
  EXPECT_NEAR(c.xread_base_us(), std::max(0.0, c.read1_us - c.xread_entry_us()), 1e-9);
  EXPECT_NEAR(c.xack_base_us(), std::max(0.0, c.ack1_us - c.xack_id_us()), 1e-9);
}

}  // namespace
}  // namespace likesim::real
