// backends.log.kind: which log a simulation runs. Kafka by default; Redis Streams (what
// `--backend real` runs) where a scenario asks for it, as the real-mode scenarios do, so that
// their simulated and real runs compare the same system.
#include <gtest/gtest.h>

#include <string>

#include "engine/run/sim_world.h"
#include "engine/scenario/scenario_loader.h"
#include "tests/source_paths.h"

namespace likesim {
namespace {

std::string scenario(const std::string& file) { return source_dir() + "/scenarios/" + file; }

TEST(LogKind, KafkaByDefaultStreamsWhereTheScenarioSaysSo) {
  auto steady = load_scenario(scenario("steady.toml"), {});
  ASSERT_TRUE(steady.ok()) << steady.status();
  EXPECT_EQ(steady->costs.log, sim::LogKind::kafka);
  for (const char* real : {"real-smoke.toml", "real-consumer-crash.toml"}) {
    auto s = load_scenario(scenario(real), {});
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->costs.log, sim::LogKind::redis_streams) << real;
  }
  auto back = load_scenario(scenario("real-smoke.toml"), {"backends.log.kind=kafka"});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->costs.log, sim::LogKind::kafka);
}

TEST(LogKind, AnUnknownKindIsAOneLineErrorNamingTheKey) {
  auto s = load_scenario(scenario("steady.toml"), {"backends.log.kind=rabbitmq"});
  ASSERT_FALSE(s.ok());
  const std::string message(s.status().message());
  EXPECT_NE(message.find("backends.log.kind"), std::string::npos) << message;
  EXPECT_NE(message.find("redis_streams"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

Task<void> append_one(Log log, bool& ok) {
  const LogReply r = co_await log.append(LogEvent{3, 4, +1});
  ok = r.status == ReplyStatus::ok;
}

TEST(LogKind, TheSimWorldGivesStrategiesTheLogItNames) {
  for (const sim::LogKind kind : {sim::LogKind::kafka, sim::LogKind::redis_streams}) {
    sim::CostModel costs;
    costs.log = kind;
    SimWorld world(costs, 1, 2);
    bool ok = false;
    world.runtime().spawn(append_one(world.context(1).log, ok));
    world.scheduler().run_until(Time(std::chrono::seconds(1)));
    EXPECT_TRUE(ok);
    const bool streams = kind == sim::LogKind::redis_streams;
    EXPECT_EQ(world.streams().stats().appended, streams ? 1u : 0u);
    EXPECT_EQ(world.kafka().stats().appended, streams ? 0u : 1u);
    // The stream's XADD ran on a simulated Redis node, beside the strategy's own keys.
    std::uint64_t redis_requests = 0;
    for (int n = 0; n < world.redis().nodes(); ++n) {
      redis_requests += world.redis().node_stats(n).requests;
    }
    EXPECT_EQ(redis_requests, streams ? 1u : 0u);
  }
}

}  // namespace
}  // namespace likesim
