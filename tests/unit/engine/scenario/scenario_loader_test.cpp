#include "engine/scenario/scenario_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "tests/source_paths.h"

namespace likesim {
namespace {

namespace fs = std::filesystem;

// Writes `text` to a fresh file in a temporary directory and returns its path.
std::string write_scenario(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "likesim_scenario_loader_test" /
                       // one folder per test: ctest runs the tests of a file at once
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

// A valid scenario; line numbers matter to the tests below.
constexpr const char* kBase =
    "name = \"t\"\n"                // 1
    "seed = 1\n"                    // 2
    "duration_s = 10\n"             // 3
    "[workload]\n"                  // 4
    "kind = \"celebrity\"\n"        // 5
    "[workload.steady]\n"           // 6
    "writes_per_s = 100\n"          // 7
    "[workload.celebrity]\n"        // 8
    "peak_likes_per_s = 1000\n"     // 9
    "[strategy.sharded_counter]\n"  // 10
    "shards = 8\n"                  // 11
    "[strategy.write_buffered]\n"   // 12
    "app_servers = 2\n"             // 13
    "[strategy.count_query]\n"      // 14
    "[slo]\n"                       // 15
    "like_p99_ms = 200\n"           // 16
    "lost_likes = 0\n";             // 17

std::string error_of(const std::string& path, const std::vector<std::string>& overrides = {}) {
  auto s = load_scenario(path, overrides);
  EXPECT_FALSE(s.ok()) << "loaded although it should not";
  if (s.ok()) return "";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(s.status().message());
  EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
  return message;
}

TEST(ScenarioLoader, EveryBundledScenarioLoads) {
  int loaded = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(source_dir()) / "scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    auto s = load_scenario(entry.path().string(), {});
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_FALSE(s->strategies.empty()) << entry.path();
    EXPECT_EQ(s->name, entry.path().stem().string());
    EXPECT_FALSE(s->description.empty()) << entry.path();
    ++loaded;
  }
  EXPECT_GE(loaded, 5);
}

TEST(ScenarioLoader, CelebrityScenarioReadsEverySection) {
  auto s = load_scenario(source_dir() + "/scenarios/celebrity.toml", {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 42u);
  EXPECT_EQ(s->workload.kind, "celebrity");
  EXPECT_TRUE(s->workload.celebrity.enabled);
  EXPECT_EQ(s->workload.celebrity.peak_likes_per_s, 100000);
  EXPECT_EQ(s->workload.celebrity.hold_s, 180);
  EXPECT_EQ(s->workload.steady.writes_per_s, 2000);
  EXPECT_EQ(s->workload.steady.reads_per_s, 20000);
  EXPECT_EQ(s->costs.redis.nodes, 6);
  std::vector<std::string> names;
  for (const auto& c : s->strategies) names.push_back(c.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"count_query", "single_counter", "single_counter_redis",
                                      "sharded_counter", "write_buffered", "async_log"}));
  EXPECT_EQ(std::get<ShardedCounterKnobs>(s->strategies[3].knobs).shards, 16);
  EXPECT_EQ(std::get<ShardedCounterKnobs>(s->strategies[3].knobs).dedup_shards, 16);
  EXPECT_EQ(std::get<SingleCounterKnobs>(s->strategies[1].knobs).store, CounterStore::db);
  EXPECT_EQ(std::get<SingleCounterKnobs>(s->strategies[2].knobs).dedup, DedupMethod::lua_atomic);
  EXPECT_TRUE(std::get<AsyncLogKnobs>(s->strategies[5].knobs).idempotent);
  ASSERT_EQ(s->slos.size(), 5u);
  EXPECT_EQ(s->slos[0].name, "like_p99_ms");
  EXPECT_EQ(s->slos[0].limit, 200);
  EXPECT_EQ(s->slos[4].name, "double_counts");
}

TEST(ScenarioLoader, CrashScenarioHasBothFaultsAndBothLogStrategies) {
  auto s = load_scenario(source_dir() + "/scenarios/crash.toml", {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->faults.size(), 2u);
  EXPECT_EQ(s->faults[0].kind, FaultKind::app_server_crash);
  EXPECT_EQ(s->faults[0].strategy, "write_buffered");
  EXPECT_EQ(s->faults[1].kind, FaultKind::consumer_crash);
  const StrategyConfig& last = s->strategies.back();
  EXPECT_EQ(last.name, "async_log_at_least_once");
  EXPECT_EQ(last.kind, "async_log");
  EXPECT_FALSE(std::get<AsyncLogKnobs>(last.knobs).idempotent);
}

TEST(ScenarioLoader, RedisCrashAndRealServersAreRead) {
  auto s = load_scenario(
      source_dir() + "/scenarios/redis-crash.toml",
      {"real.redis_cluster=\"127.0.0.1:7101, 127.0.0.1:7102\"", "real.pg_connections=4"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->faults.size(), 1u);
  EXPECT_EQ(s->faults[0].kind, FaultKind::redis_node_crash);
  EXPECT_EQ(s->faults[0].down_for_s, 1.0);
  EXPECT_EQ(s->real.redis, "127.0.0.1:7001");
  EXPECT_EQ(s->real.redis_cluster, "127.0.0.1:7101, 127.0.0.1:7102");
  EXPECT_EQ(s->real.pg_connections, 4);

  const std::string path = write_scenario("real.toml", std::string(kBase) + "[real]\n" +  // 18
                                                           "redis = \"localhost\"\n");    // 19
  EXPECT_EQ(error_of(path), path + ":19: real.redis: 'localhost' is not host:port");
  EXPECT_EQ(error_of(path, {"real.redis=\"h:99999\""}),
            "--set real.redis=\"h:99999\": real.redis: 'h:99999' has no valid port (1-65535)");
}

TEST(ScenarioLoader, ACostFileReplacesCostsAndNamesItsLines) {
  const std::string costs =
      write_scenario("costs.toml", "[backends.redis]\ncommand_us = 0.5\nrequest_us = 1.25\n");
  const std::string path = write_scenario("base.toml", kBase);
  auto s = load_scenario(path, {"backends.redis.request_us=2"}, costs);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->costs.redis.command_us, 0.5);
  EXPECT_EQ(s->costs.redis.request_us, 2.0);  // --set has the last word
  const std::string bad = write_scenario("bad_costs.toml", "[backends.redis]\nnodes = 0\n");
  auto b = load_scenario(path, {}, bad);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(std::string(b.status().message()),
            bad + ":2: backends.redis.nodes: 0 out of range [1, 256]");
}

TEST(ScenarioLoader, StrategiesKeepFileOrderAndKindDefaultsToTheName) {
  const std::string path = write_scenario("order.toml",
                                          "duration_s = 5\n"
                                          "[strategy.zeta]\nkind = \"single_counter\"\n"
                                          "store = \"redis\"\ndedup = \"lua_atomic\"\n"
                                          "[strategy.async_log]\n"
                                          "[strategy.alpha]\nkind = \"count_query\"\n");
  auto s = load_scenario(path, {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->strategies.size(), 3u);
  EXPECT_EQ(s->strategies[0].name, "zeta");
  EXPECT_EQ(s->strategies[0].kind, "single_counter");
  EXPECT_EQ(std::get<SingleCounterKnobs>(s->strategies[0].knobs).dedup, DedupMethod::lua_atomic);
  EXPECT_EQ(s->strategies[1].name, "async_log");
  EXPECT_EQ(s->strategies[1].kind, "async_log");
  EXPECT_EQ(s->strategies[2].name, "alpha");
  EXPECT_EQ(s->name, "order");  // no name key: the file's stem
  EXPECT_EQ(s->file, path);
}

TEST(ScenarioLoader, UnknownKeyNamesFileLineAndKey) {
  std::string text = kBase;
  text.replace(text.find("peak_likes_per_s"), 4, "peek");
  const std::string path = write_scenario("unknown.toml", text);
  EXPECT_EQ(error_of(path), path + ":9: unknown key 'workload.celebrity.peek_likes_per_s'");

  const std::string top = write_scenario("unknown_top.toml", std::string(kBase) + "[backend]\n");
  EXPECT_EQ(error_of(top), top + ":18: unknown key 'backend'");

  // The first unknown key in file order is the one reported.
  const std::string two =
      write_scenario("unknown_two.toml",
                     std::string("durration_s = 3\n") + kBase + "[backends.postgres]\npool = 3\n");
  EXPECT_EQ(error_of(two), two + ":1: unknown key 'durration_s'");
}

TEST(ScenarioLoader, BadTypeNamesFileLineAndKey) {
  std::string text = kBase;
  text.replace(text.find("shards = 8"), 10, "shards = \"abc\"");
  const std::string path = write_scenario("badtype.toml", text);
  EXPECT_EQ(error_of(path), path +
                                ":11: strategy.sharded_counter.shards: expected an integer in "
                                "[1, 65535], got \"abc\"");

  const std::string flt =
      write_scenario("badfloat.toml", std::string(kBase) + "[backends.redis]\nnodes = 2.5\n");
  EXPECT_EQ(error_of(flt),
            flt + ":19: backends.redis.nodes: expected an integer in [1, 256], got 2.5");
}

TEST(ScenarioLoader, OutOfRangeValuesAreErrors) {
  struct Case {
    std::string line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[workload.steady]\nunlike_fraction = 1.5",
       "workload.steady.unlike_fraction: 1.5 out of range [0, 1]"},
      {"[workload.steady]\nreads_per_s = -1",
       "workload.steady.reads_per_s: -1 out of range [0, 1000000000]"},
      {"[workload.steady]\nbatch_size = 101",
       "workload.steady.batch_size: 101 out of range [1, 100]"},
      {"[strategy.write_buffered]\nflush_interval_ms = 0",
       "strategy.write_buffered.flush_interval_ms: 0 out of range [0.01, 3600000]"},
      {"[strategy.sharded_counter]\nshards = 70000",
       "strategy.sharded_counter.shards: 70000 out of range [1, 65535]"},
      {"[backends.redis]\nappendfsync = \"sometimes\"",
       "backends.redis.appendfsync: expected one of \"no\", \"everysec\", \"always\", \"off\", got "
       "\"sometimes\""},
  };
  // Each offending key on line 5, in a scenario that has its table nowhere else.
  constexpr const char* kHead =
      "duration_s = 10\n"          // 1
      "[strategy.count_query]\n";  // 2
  for (const Case& c : cases) {
    std::string text = kHead;
    text += c.line.find("[strategy.") == 0 ? "\n" : "[strategy.write_buffered]\n";  // 3
    text += c.line + "\n";  // header on 4, key on 5
    const std::string path = write_scenario("range.toml", text);
    EXPECT_EQ(error_of(path), path + ":5: " + c.message);
  }
}

TEST(ScenarioLoader, CrossFieldChecksNameTheKey) {
  const std::string warm =
      write_scenario("warmup.toml", "duration_s = 10\nwarmup_s = 10\n[strategy.count_query]\n");
  EXPECT_EQ(error_of(warm), warm + ":2: warmup_s: must be less than duration_s = 10, got 10");

  const std::string lua = write_scenario(
      "lua.toml", "[strategy.single_counter]\nstore = \"db\"\ndedup = \"lua_atomic\"\n");
  EXPECT_EQ(error_of(lua),
            lua + ":3: strategy.single_counter.dedup: lua_atomic needs store = \"redis\"");

  const std::string cq =
      write_scenario("cq.toml", "[strategy.count_query]\n\ndedup = \"redis_set\"\n");
  EXPECT_NE(error_of(cq).find(cq + ":3: strategy.count_query.dedup: "), std::string::npos);

  const std::string kind = write_scenario("kind.toml", "[strategy.fast]\nshards = 4\n");
  EXPECT_NE(error_of(kind).find(kind + ":1: strategy.fast: unknown strategy kind 'fast'"),
            std::string::npos);

  const std::string slo = write_scenario("slo.toml", "[strategy.count_query]\n[slo]\np42 = 1\n");
  EXPECT_NE(error_of(slo).find(slo + ":3: slo.p42: unknown SLO 'p42'"), std::string::npos);

  const std::string mix = write_scenario(
      "mix.toml",
      "[strategy.count_query]\n[workload.steady]\nstatus_fraction = 0.6\nbatch_fraction = 0.5\n");
  EXPECT_NE(error_of(mix).find(mix + ":4: workload.steady.batch_fraction: "), std::string::npos);

  const std::string none = write_scenario("none.toml", "duration_s = 10\n");
  EXPECT_NE(error_of(none).find(none + ": no strategy"), std::string::npos);
}

TEST(ScenarioLoader, FaultsAreCheckedAgainstTheStrategies) {
  const std::string unknown = write_scenario(
      "fault.toml", std::string(kBase) +
                        "[[fault]]\nat_s = 5\nkind = \"app_server_crash\"\nstrategy = \"nope\"\n");
  EXPECT_EQ(error_of(unknown), unknown + ":21: fault[0].strategy: no strategy named 'nope'");

  const std::string wrong =
      write_scenario("fault_kind.toml", std::string(kBase) +
                                            "[[fault]]\nat_s = 5\nkind = \"consumer_crash\"\n"
                                            "strategy = \"write_buffered\"\n");
  EXPECT_NE(error_of(wrong).find(wrong + ":21: fault[0].strategy: strategy 'write_buffered'"),
            std::string::npos);

  const std::string target =
      write_scenario("fault_target.toml", std::string(kBase) +
                                              "[[fault]]\nat_s = 5\nkind = \"app_server_crash\"\n"
                                              "strategy = \"write_buffered\"\ntarget = 2\n");
  EXPECT_NE(error_of(target).find(target + ":22: fault[0].target: 2 out of range [0, 1]"),
            std::string::npos);

  const std::string late =
      write_scenario("fault_late.toml",
                     std::string(kBase) + "[[fault]]\nat_s = 10\nkind = \"app_server_crash\"\n");
  EXPECT_EQ(error_of(late), late + ":19: fault[0].at_s: 10 out of range [0, 10)");

  const std::string typo = write_scenario(
      "fault_typo.toml",
      std::string(kBase) + "[[fault]]\nat_s = 1\nkind = \"app_server_crash\"\ntargte = 1\n");
  EXPECT_EQ(error_of(typo), typo + ":21: unknown key 'fault[0].targte'");
}

TEST(ScenarioLoader, SetOverridesValuesBeforeReading) {
  const std::string path = write_scenario("set.toml", kBase);
  auto s = load_scenario(
      path, {"duration_s=30", "workload.celebrity.peak_likes_per_s=50000", "backends.redis.nodes=3",
             "strategy.sharded_counter.shards=32", "strategy.sharded_counter.pick=user_hash",
             "description = \"from --set\"", "slo.error_rate=0.01", "workload.kind=steady"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->duration_s, 30);
  EXPECT_EQ(s->workload.celebrity.peak_likes_per_s, 50000);
  EXPECT_EQ(s->costs.redis.nodes, 3);
  const auto& sharded = std::get<ShardedCounterKnobs>(s->strategies[0].knobs);
  EXPECT_EQ(sharded.shards, 32);
  EXPECT_EQ(sharded.pick, ShardPick::user_hash);
  EXPECT_EQ(s->description, "from --set");
  EXPECT_EQ(s->workload.kind, "steady");
  EXPECT_FALSE(s->workload.celebrity.enabled);
  ASSERT_EQ(s->slos.size(), 3u);
  EXPECT_EQ(s->slos[2].name, "error_rate");  // added by --set: after the file's SLOs
  EXPECT_DOUBLE_EQ(s->slos[2].limit, 0.01);
}

TEST(ScenarioLoader, BadSetIsNamed) {
  const std::string path = write_scenario("badset.toml", kBase);
  EXPECT_EQ(error_of(path, {"strategy.foo.shards=3"}),
            "--set strategy.foo.shards=3: no strategy named 'foo'");
  EXPECT_EQ(error_of(path, {"strategy.sharded_counter.shards=abc"}),
            "--set strategy.sharded_counter.shards=abc: strategy.sharded_counter.shards: expected "
            "an integer in [1, 65535], got \"abc\"");
  EXPECT_EQ(error_of(path, {"workload.celebrity.peek_likes_per_s=5"}),
            "--set workload.celebrity.peek_likes_per_s=5: unknown key "
            "'workload.celebrity.peek_likes_per_s'");
  EXPECT_NE(error_of(path, {"duration_s"}).find("--set duration_s: expected KEY=VALUE"),
            std::string::npos);
  EXPECT_EQ(error_of(path, {"seed.x=1"}), "--set seed.x=1: 'seed' is not a table");
  EXPECT_EQ(error_of(path, {"workload.steady=1"}),
            "--set workload.steady=1: 'workload.steady' is a table; set one of its keys");
}

TEST(ScenarioLoader, TomlSyntaxErrorGivesLineAndColumn) {
  const std::string path =
      write_scenario("syntax.toml", "name = \"x\"\nseed = 1\nduration_s = = 3\n");
  const std::string message = error_of(path);
  EXPECT_EQ(message.rfind(path + ":3:", 0), 0u) << message;
}

TEST(ScenarioLoader, MissingFileIsNotFound) {
  auto s = load_scenario("/nonexistent/x.toml", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.status().message(),
            "cannot open scenario '/nonexistent/x.toml': No such file or directory");
}

TEST(ScenarioLoader, KnowsTheSloNames) {
  for (const char* name :
       {"like_p99_ms", "like_p999_ms", "count_p99_ms", "status_p99_ms", "staleness_p99_ms",
        "drift_abs_max", "lost_likes", "double_counts", "dedup_violations", "error_rate"}) {
    EXPECT_TRUE(is_known_slo(name)) << name;
  }
  EXPECT_FALSE(is_known_slo("like_p50_ms"));
}

// The hash names the configuration, not the file: the same scenario in another file, with a
// comment added, hashes the same; a --set of the seed or of any other value does not.
TEST(ScenarioLoader, ConfigHashFollowsTheResolvedScenarioNotTheFile) {
  const std::string text = std::string(kBase);
  const auto a = load_scenario(write_scenario("a.toml", text), {});
  const auto b = load_scenario(write_scenario("b.toml", "# another file\n" + text), {});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->config_hash.size(), 16u);
  EXPECT_EQ(a->config_hash, b->config_hash);
  const auto seeded = load_scenario(write_scenario("a.toml", text), {"seed=99"});
  ASSERT_TRUE(seeded.ok()) << seeded.status();
  EXPECT_NE(seeded->config_hash, a->config_hash);
  const auto longer = load_scenario(write_scenario("a.toml", text), {"duration_s=7"});
  ASSERT_TRUE(longer.ok()) << longer.status();
  EXPECT_NE(longer->config_hash, a->config_hash);
}

}  // namespace
}  // namespace likesim
