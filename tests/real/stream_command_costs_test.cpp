// measure_stream_command_costs against the standalone node of `scripts/backends up`: every
// figure is a server-side time that the commands really ran (calls counted by the server),
// and reading more entries or acknowledging more IDs costs more than one.
#include "engine/backends/real/stream_command_costs.h"

#include <gtest/gtest.h>

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
  EXPECT_GT(c.read16_us, c.read1_us);  // sixteen entries cost more than one
  EXPECT_GT(c.ack16_us, c.ack1_us);
  // The fits: per entry / per ID is the difference over the 15 extra.
  EXPECT_NEAR(15 * c.xread_entry_us(), c.read16_us - c.read1_us, 1e-9);
  EXPECT_NEAR(15 * c.xack_id_us(), c.ack16_us - c.ack1_us, 1e-9);
}

}  // namespace
}  // namespace likesim::real
