// RedisClient against the servers of `scripts/backends up`: Redis 127.0.0.1:7001 and the
// cluster 127.0.0.1:7101-7103. Every test uses keys of fresh post ids, so runs do not see each
// other's data and nothing is flushed on servers others may be using.
#include "engine/backends/real/redis_client.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/backends/bloom_bits.h"
#include "engine/backends/real/backend_error.h"
#include "engine/backends/real/redis_connection.h"
#include "engine/backends/real/redis_scripts.h"

namespace likesim::real {
namespace {

using namespace std::chrono_literals;

const Endpoint kStandalone{"127.0.0.1", 7001};
const std::vector<Endpoint> kClusterNodes{
    {"127.0.0.1", 7101}, {"127.0.0.1", 7102}, {"127.0.0.1", 7103}};

RedisOptions options_for(bool cluster) {
  RedisOptions o;
  o.nodes = cluster ? kClusterNodes : std::vector<Endpoint>{kStandalone};
  o.cluster = cluster;
  return o;
}

// Post ids no earlier run has used (with overwhelming probability).
PostId fresh_post() {
  static std::mt19937_64 rng{std::random_device{}()};
  return static_cast<PostId>(1'000'000'000u + rng() % 3'000'000'000u);
}

Task<KvReply> run_command(Kv kv, KvCommand c) {
  KvReply r = co_await kv.run(c);
  co_return r;
}
Task<ReplyStatus> run_pipeline(Kv kv, KvBatch* batch) {
  ReplyStatus s = co_await kv.pipeline(*batch);
  co_return s;
}
Task<ReplyStatus> run_mget(Kv kv, KvBatch* batch) {
  ReplyStatus s = co_await kv.mget(*batch);
  co_return s;
}

// A client and its runtime, with blocking helpers.
struct Rig {
  explicit Rig(RedisOptions options) : rt(io), redis(rt, std::move(options)), kv(redis) {}

  KvReply run(KvCommand c) { return rt.block_on(run_command(kv, c), 5s); }
  KvReply run(KeyId key, KvVerb verb, std::int64_t arg = 0) { return run({key, {}, arg, verb}); }
  RedisResult command(std::vector<std::string> argv, std::string route_key = {}) {
    return rt.block_on(redis.command(std::move(argv), std::move(route_key)), 5s);
  }
  RedisResult command_on(int node, std::vector<std::string> argv) {
    return rt.block_on(redis.command_on(node, std::move(argv)), 5s);
  }
  std::uint64_t redirects() const {
    std::uint64_t n = 0;
    for (int i = 0; i < static_cast<int>(redis.nodes().size()); ++i) {
      n += redis.node_stats(i).redirects;
    }
    return n;
  }

  boost::asio::io_context io;
  AsioRuntime rt;
  RedisClient redis;
  Kv kv;
};

std::string text(const RedisResult& r) {
  if (r.status != ReplyStatus::ok) return std::string(status_name(r.status)) + " " + r.error;
  if (r.reply->type == REDIS_REPLY_INTEGER) return std::to_string(r.reply->integer);
  if (r.reply->str) return std::string(r.reply->str, r.reply->len);
  return "(type " + std::to_string(r.reply->type) + ")";
}

// Runs redis-cli and returns its output.
std::string redis_cli(int port, const std::string& args, const std::string& stdin_text = {}) {
  const std::string cmd = (stdin_text.empty() ? "" : "printf '" + stdin_text + "' | ") +
                          "redis-cli -p " + std::to_string(port) + " " + args + " 2>&1";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

TEST(RedisResp, EncodesCommandsAsHiredisFormatsThem) {
  const std::vector<std::vector<std::string>> commands = {
      {"PING"},
      {"INCRBY", "likes:{42}:count", "-7"},
      {"SET", "k", ""},
      {"EVALSHA", std::string(40, 'a'), "1", "bloom:{1}", std::string(300, 'x'), "16777215"},
  };
  for (const auto& argv : commands) {
    std::vector<const char*> texts;
    std::vector<std::size_t> lengths;
    std::vector<std::string_view> views;
    for (const std::string& a : argv) {
      texts.push_back(a.data());
      lengths.push_back(a.size());
      views.push_back(a);
    }
    char* expected = nullptr;
    const int n = redisFormatCommandArgv(&expected, static_cast<int>(argv.size()), texts.data(),
                                         lengths.data());
    ASSERT_GT(n, 0);
    RespCommand encoded;
    EXPECT_EQ(encoded.args(views).bytes(), std::string_view(expected, static_cast<std::size_t>(n)));
    redisFreeCommand(expected);
  }
  RespCommand typed;
  typed.begin(3).arg("INCRBY").arg(KeyId::counter(42)).arg(std::int64_t{-7});
  EXPECT_EQ(typed.bytes(), "*3\r\n$6\r\nINCRBY\r\n$16\r\nlikes:{42}:count\r\n$2\r\n-7\r\n");
}

class RedisKv : public ::testing::TestWithParam<bool> {
 protected:
  bool cluster() const { return GetParam(); }
};

TEST_P(RedisKv, GetOfAMissingKeyIsZeroAndNil) {
  Rig rig(options_for(cluster()));
  const KvReply r = rig.run(KvCommand::get(KeyId::counter(fresh_post())));
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_TRUE(r.nil);
  EXPECT_EQ(r.value, 0);
}

TEST_P(RedisKv, SetThenGetReadsTheInteger) {
  Rig rig(options_for(cluster()));
  const KeyId key = KeyId::counter(fresh_post());
  EXPECT_EQ(rig.run(KvCommand::set(key, -42)).status, ReplyStatus::ok);
  const KvReply r = rig.run(KvCommand::get(key));
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_FALSE(r.nil);
  EXPECT_EQ(r.value, -42);
}

TEST_P(RedisKv, IncrByAnswersTheNewValueAndDelTheKeysRemoved) {
  Rig rig(options_for(cluster()));
  const KeyId key = KeyId::shard_key(fresh_post(), 3, false);
  EXPECT_EQ(rig.run(KvCommand::incr_by(key, 5)).value, 5);
  EXPECT_EQ(rig.run(KvCommand::incr_by(key, -2)).value, 3);
  EXPECT_EQ(rig.run(key, KvVerb::del).value, 1);
  EXPECT_EQ(rig.run(key, KvVerb::del).value, 0);
  EXPECT_TRUE(rig.run(KvCommand::get(key)).nil);
}

TEST_P(RedisKv, SetVerbsAnswerWhetherTheMemberChanged) {
  Rig rig(options_for(cluster()));
  const KeyId set = KeyId::like_set(fresh_post());
  EXPECT_EQ(rig.run(set, KvVerb::sadd, 7).value, 1);
  EXPECT_EQ(rig.run(set, KvVerb::sadd, 7).value, 0);
  EXPECT_EQ(rig.run(set, KvVerb::sismember, 7).value, 1);
  EXPECT_EQ(rig.run(set, KvVerb::sismember, 8).value, 0);
  EXPECT_EQ(rig.run(set, KvVerb::srem, 7).value, 1);
  EXPECT_EQ(rig.run(set, KvVerb::srem, 7).value, 0);
  EXPECT_EQ(rig.run(set, KvVerb::sismember, 7).value, 0);
}

TEST_P(RedisKv, LikeScriptCountsEachLikerOnceAndUnlikeUndoesIt) {
  Rig rig(options_for(cluster()));
  const PostId post = fresh_post();
  const KeyId set = KeyId::like_set(post);
  const KeyId counter = KeyId::counter(post);
  EXPECT_EQ(rig.run({set, counter, 11, KvVerb::like_script}).value, 1);
  EXPECT_EQ(rig.run({set, counter, 11, KvVerb::like_script}).value, 0);
  EXPECT_EQ(rig.run({set, counter, 12, KvVerb::like_script}).value, 1);
  EXPECT_EQ(rig.run(KvCommand::get(counter)).value, 2);
  EXPECT_EQ(rig.run({set, counter, 11, KvVerb::unlike_script}).value, 1);
  EXPECT_EQ(rig.run({set, counter, 11, KvVerb::unlike_script}).value, 0);
  EXPECT_EQ(rig.run(KvCommand::get(counter)).value, 1);
  EXPECT_EQ(rig.run(set, KvVerb::sismember, 12).value, 1);
}

TEST_P(RedisKv, BloomAddSetsTheSimulatorsBitsAndExistsReadsThem) {
  Rig rig(options_for(cluster()));
  const PostId post = fresh_post();
  const KeyId bloom = KeyId::bloom(post);
  EXPECT_EQ(rig.run(bloom, KvVerb::bf_exists, 5).value, 0);
  EXPECT_EQ(rig.run(bloom, KvVerb::bf_add, 5).value, 1);
  EXPECT_EQ(rig.run(bloom, KvVerb::bf_add, 5).value, 0);  // every bit already set
  EXPECT_EQ(rig.run(bloom, KvVerb::bf_exists, 5).value, 1);
  EXPECT_EQ(rig.run(bloom, KvVerb::bf_exists, 6).value, 0);
  // Exactly the simulator's 7 positions are set.
  const RedisResult count = rig.command({"BITCOUNT", key_text(bloom)}, key_text(bloom));
  std::set<std::uint32_t> bits;
  for (std::uint32_t b : bloom_bits(post, 5)) bits.insert(b);
  EXPECT_EQ(text(count), std::to_string(bits.size()));
  for (std::uint32_t b : bits) {
    EXPECT_EQ(text(rig.command({"GETBIT", key_text(bloom), std::to_string(b)}, key_text(bloom))),
              "1");
  }
}

TEST_P(RedisKv, PipelineRunsEveryCommandInOrderOnEveryNode) {
  Rig rig(options_for(cluster()));
  KvBatch batch;
  std::vector<PostId> posts;
  for (int i = 0; i < 24; ++i) posts.push_back(fresh_post());
  for (PostId p : posts) {
    batch.add(KvCommand::set(KeyId::counter(p), 10));
    batch.add(KvCommand::incr_by(KeyId::counter(p), static_cast<std::int64_t>(p % 7)));
    batch.add(KvCommand::get(KeyId::counter(p)));
  }
  EXPECT_EQ(rig.rt.block_on(run_pipeline(rig.kv, &batch), 5s), ReplyStatus::ok);
  std::set<int> nodes;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const std::int64_t expected = 10 + posts[i] % 7;
    EXPECT_EQ(batch.replies()[3 * i + 1].value, expected);
    EXPECT_EQ(batch.replies()[3 * i + 2].value, expected);
    nodes.insert(rig.redis.node_of(KeyId::counter(posts[i])));
  }
  EXPECT_EQ(nodes.size(), cluster() ? 3u : 1u);
}

TEST_P(RedisKv, MgetReadsKeysOfEveryNodeWithNilForMissingOnes) {
  Rig rig(options_for(cluster()));
  const PostId post = fresh_post();
  KvBatch batch;
  std::set<int> nodes;
  for (std::uint16_t s = 0; s < 16; ++s) {
    const KeyId key = KeyId::shard_key(post, s, /*tag=*/false);  // untagged: spread over nodes
    if (s % 2 == 0) rig.run(KvCommand::set(key, 100 + s));
    batch.add(KvCommand::get(key));
    nodes.insert(rig.redis.node_of(key));
  }
  EXPECT_EQ(rig.rt.block_on(run_mget(rig.kv, &batch), 5s), ReplyStatus::ok);
  for (std::uint16_t s = 0; s < 16; ++s) {
    const KvReply& r = batch.replies()[s];
    EXPECT_EQ(r.status, ReplyStatus::ok);
    EXPECT_EQ(r.nil, s % 2 != 0) << "shard " << s;
    EXPECT_EQ(r.value, s % 2 == 0 ? 100 + s : 0) << "shard " << s;
  }
  EXPECT_EQ(nodes.size(), cluster() ? 3u : 1u);
}

TEST_P(RedisKv, ScriptsRunAgainAfterScriptFlush) {
  Rig rig(options_for(cluster()));
  const PostId post = fresh_post();
  for (int n = 0; n < static_cast<int>(rig.redis.nodes().size()); ++n) {
    EXPECT_EQ(text(rig.command_on(n, {"SCRIPT", "FLUSH"})), "OK");
  }
  // NOSCRIPT: the client loads the script and runs it again.
  EXPECT_EQ(rig.run({KeyId::like_set(post), KeyId::counter(post), 3, KvVerb::like_script}).value,
            1);
  EXPECT_EQ(rig.run(KeyId::bloom(post), KvVerb::bf_add, 3).value, 1);
  EXPECT_EQ(rig.run(KeyId::bloom(post), KvVerb::bf_exists, 3).value, 1);
  EXPECT_EQ(rig.run(KvCommand::get(KeyId::counter(post))).value, 1);
}

TEST_P(RedisKv, AnErrorReplyIsAnErrorStatus) {
  Rig rig(options_for(cluster()));
  const PostId post = fresh_post();
  rig.run(KeyId::like_set(post), KvVerb::sadd, 1);  // a set, not a number
  EXPECT_EQ(rig.run(KvCommand::incr_by(KeyId::like_set(post), 1)).status, ReplyStatus::error);
  EXPECT_EQ(rig.run(KvCommand::get(KeyId::like_set(post))).status, ReplyStatus::error);
  // The connection is still in step: the next reply is the next command's.
  EXPECT_EQ(rig.run(KvCommand::incr_by(KeyId::counter(post), 4)).value, 4);
}

INSTANTIATE_TEST_SUITE_P(Redis, RedisKv, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Cluster" : "Standalone"; });

TEST(RedisCluster, ScriptWhoseKeysLiveInTwoSlotsIsAnError) {
  Rig rig(options_for(true));
  PostId a = fresh_post();
  PostId b = a + 1;
  while (hash_slot(KeyId::counter(b)) == hash_slot(KeyId::like_set(a))) ++b;
  const KvReply r = rig.run({KeyId::like_set(a), KeyId::counter(b), 1, KvVerb::like_script});
  EXPECT_EQ(r.status, ReplyStatus::error);
  EXPECT_EQ(rig.run(KeyId::like_set(a), KvVerb::sismember, 1).value, 0);  // nothing ran
}

TEST(RedisCluster, ClientSeededWithOneNodeFindsAndRoutesToAllMasters) {
  RedisOptions o = options_for(true);
  o.nodes = {{"127.0.0.1", 7102}};
  Rig rig(o);
  ASSERT_EQ(rig.redis.nodes().size(), 3u);
  EXPECT_EQ(rig.redis.nodes()[0].port, 7101);  // slot order
  EXPECT_EQ(rig.redis.nodes()[2].port, 7103);
  std::set<int> nodes;
  for (int i = 0; i < 30; ++i) {
    const KeyId key = KeyId::counter(fresh_post());
    nodes.insert(rig.redis.node_of(key));
    EXPECT_EQ(rig.run(KvCommand::incr_by(key, 2)).value, 2);
    // The node the client picked holds the key.
    const int node = rig.redis.node_of(key);
    EXPECT_EQ(text(rig.command_on(node, {"EXISTS", key_text(key)})), "1");
  }
  EXPECT_EQ(nodes.size(), 3u);
  EXPECT_EQ(rig.redirects(), 0u);
}

// Moves one empty slot from its owner to another master the way redis-cli --cluster reshard
// does, and always moves it back.
class SlotMigration {
 public:
  SlotMigration(Rig& rig, int slot, int source, int target)
      : rig_(rig), slot_(std::to_string(slot)), source_(source), target_(target) {
    for (int n = 0; n < 3; ++n) ids_.push_back(text(rig.command_on(n, {"CLUSTER", "MYID"})));
  }
  ~SlotMigration() { restore(); }

  // Keys of the slot not yet on the source are looked up on the target (ASK).
  void start() {
    EXPECT_EQ(setslot(target_, "IMPORTING", ids_[source_]), "OK");
    EXPECT_EQ(setslot(source_, "MIGRATING", ids_[target_]), "OK");
  }
  // The slot belongs to the target (MOVED).
  void finish() {
    for (int n : {target_, source_, third()}) EXPECT_EQ(setslot(n, "NODE", ids_[target_]), "OK");
  }
  void restore() {
    // Whatever state a failed test left: empty the slot on the target, give it back to the
    // source (which bumps its epoch as the importer), and clear every migration flag.
    RedisResult listed = rig_.command_on(target_, {"CLUSTER", "GETKEYSINSLOT", slot_, "100"});
    if (listed.status == ReplyStatus::ok && listed.reply->type == REDIS_REPLY_ARRAY) {
      std::string script = "ASKING\\n";
      for (std::size_t i = 0; i < listed.reply->elements; ++i) {
        script += "DEL " + std::string(listed.reply->element[i]->str) + "\\n";
      }
      redis_cli(rig_.redis.nodes()[target_].port, "", script);
    }
    setslot(source_, "IMPORTING", ids_[target_]);
    setslot(target_, "MIGRATING", ids_[source_]);
    for (int n : {source_, target_, third()}) setslot(n, "NODE", ids_[source_]);
    for (int n = 0; n < 3; ++n) setslot(n, "STABLE", "");
  }

 private:
  int third() const { return 3 - source_ - target_; }
  std::string setslot(int node, const std::string& what, const std::string& id) {
    std::vector<std::string> argv = {"CLUSTER", "SETSLOT", slot_, what};
    if (!id.empty()) argv.push_back(id);
    return text(rig_.command_on(node, std::move(argv)));
  }

  Rig& rig_;
  std::string slot_;
  int source_;
  int target_;
  std::vector<std::string> ids_;
};

TEST(RedisCluster, FollowsAskDuringASlotMigrationAndMovedAfterIt) {
  Rig rig(options_for(true));
  // A post whose slot holds no key, so it can move without MIGRATE.
  KeyId key;
  int slot = 0;
  for (int tries = 0;; ++tries) {
    ASSERT_LT(tries, 100);
    key = KeyId::counter(fresh_post());
    slot = hash_slot(key);
    const RedisResult n = rig.command_on(rig.redis.node_of(key),
                                         {"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)});
    if (text(n) == "0") break;
  }
  const int source = rig.redis.node_of(key);
  const int target = (source + 1) % 3;
  SlotMigration migration(rig, slot, source, target);

  migration.start();
  // The source does not have the key: ASK, so the command runs on the target after ASKING.
  EXPECT_EQ(rig.run(KvCommand::incr_by(key, 5)).value, 5);
  EXPECT_GE(rig.redis.node_stats(source).redirects, 1u);
  EXPECT_EQ(rig.redis.node_of(key), source);  // ASK does not change the slot map
  EXPECT_EQ(text(rig.command_on(target, {"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)})),
            "1");

  migration.finish();
  const std::uint64_t before = rig.redis.node_stats(source).redirects;
  // MOVED: the client learns the new owner and asks it.
  EXPECT_EQ(rig.run(KvCommand::get(key)).value, 5);
  EXPECT_EQ(rig.redis.node_stats(source).redirects, before + 1);
  EXPECT_EQ(rig.redis.node_of(key), target);
  EXPECT_EQ(rig.run(KvCommand::incr_by(key, 1)).value, 6);  // straight to the target now
  EXPECT_EQ(rig.redis.node_stats(source).redirects, before + 1);
  // The raw path follows MOVED as well.
  EXPECT_EQ(text(rig.command({"GET", key_text(key)}, key_text(key))), "6");
  EXPECT_EQ(rig.run(key, KvVerb::del).value, 1);
}

TEST(RedisClient, UnreachableAddressThrowsNamingItWithinTwoSeconds) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  RedisOptions o;
  o.nodes = {{"127.0.0.1", 1}};
  const Time start = rt.now();
  try {
    RedisClient redis(rt, o);
    FAIL() << "no error";
  } catch (const BackendError& e) {
    EXPECT_EQ(std::string(e.what()), "redis 127.0.0.1:1: connection refused");
  }
  EXPECT_LT(rt.now() - start, 2500ms);
}

TEST(RedisClient, ClusterSeedThatIsNotAClusterThrowsNamingIt) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  RedisOptions o;
  o.nodes = {kStandalone};
  o.cluster = true;
  try {
    RedisClient redis(rt, o);
    FAIL() << "no error";
  } catch (const BackendError& e) {
    EXPECT_NE(std::string(e.what()).find("redis 127.0.0.1:7001: CLUSTER SLOTS"), std::string::npos)
        << e.what();
  }
}

Task<void> store_result(Task<RedisResult> task, RedisResult* out, bool* done) {
  *out = co_await std::move(task);
  *done = true;
}

// Kills the connections of clients named `name` on `port` by id, from redis-cli, so only this
// test's connections go (the servers may be shared).
int kill_clients_named(int port, const std::string& name) {
  std::istringstream list(redis_cli(port, "CLIENT LIST"));
  int killed = 0;
  for (std::string line; std::getline(list, line);) {
    if (line.find(" name=" + name + " ") == std::string::npos) continue;
    const std::size_t id = line.find("id=");
    const std::string value = line.substr(id + 3, line.find(' ', id) - id - 3);
    if (redis_cli(port, "CLIENT KILL ID " + value).find('1') != std::string::npos) ++killed;
  }
  return killed;
}

TEST(RedisClient, KilledConnectionsFailWhatIsInFlightThenReconnect) {
  RedisOptions o = options_for(false);
  o.client_name = "likesim-kill-" + std::to_string(fresh_post());
  o.connections_per_node = 2;
  Rig rig(o);
  const std::string list = "likesim:test:list:" + std::to_string(fresh_post());
  RedisResult blocked;
  bool done = false;
  rig.rt.spawn(store_result(rig.redis.command({"BLPOP", list, "5"}), &blocked, &done));
  rig.rt.run_until([] { return false; }, rig.rt.now() + 50ms);  // it is written and waiting
  ASSERT_FALSE(done);
  EXPECT_EQ(rig.redis.in_flight(0), 1u);

  EXPECT_EQ(kill_clients_named(7001, o.client_name), 2);
  const Time killed_at = rig.rt.now();
  ASSERT_TRUE(rig.rt.run_until([&] { return done; }, killed_at + 2s));
  EXPECT_EQ(blocked.status, ReplyStatus::timeout);  // written, so it may have run
  EXPECT_NE(blocked.error.find("redis 127.0.0.1:7001"), std::string::npos) << blocked.error;
  EXPECT_LT(rig.rt.now() - killed_at, 1s);
  EXPECT_GE(rig.redis.node_stats(0).failures, 1u);

  // Commands fail fast as unavailable while the connections are down, then work again.
  const KeyId key = KeyId::counter(fresh_post());
  KvReply r;
  const Time retry_until = rig.rt.now() + 3s;
  for (;;) {
    r = rig.run(KvCommand::incr_by(key, 1));
    if (r.status == ReplyStatus::ok || rig.rt.now() > retry_until) break;
    EXPECT_EQ(r.status, ReplyStatus::unavailable);
    rig.rt.run_until([] { return false; }, rig.rt.now() + 20ms);
  }
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_GE(r.value, 1);
  EXPECT_LT(rig.rt.now() - killed_at, 1s);
  EXPECT_EQ(text(rig.command({"PING"})), "PONG");
}

TEST(RedisClient, ACommandWithoutAnswerTimesOutAndTheConnectionRecovers) {
  RedisOptions o = options_for(false);
  o.timeout = 200ms;
  o.connections_per_node = 1;
  Rig rig(o);
  const std::string list = "likesim:test:list:" + std::to_string(fresh_post());
  const Time start = rig.rt.now();
  const RedisResult blocked = rig.command({"BLPOP", list, "3"});
  EXPECT_EQ(blocked.status, ReplyStatus::timeout);
  EXPECT_GE(rig.rt.now() - start, 200ms);
  EXPECT_LT(rig.rt.now() - start, 500ms);
  // The connection was closed (a pipeline cannot skip a reply) and comes back by itself.
  rig.rt.run_until([] { return false; }, rig.rt.now() + 300ms);
  EXPECT_EQ(text(rig.command({"PING"})), "PONG");
  EXPECT_EQ(rig.run(KvCommand::incr_by(KeyId::counter(fresh_post()), 3)).value, 3);
}

// A throwaway redis-server this test may stop and start (the shared ones stay up).
class ScratchServer {
 public:
  explicit ScratchServer(int port) : port_(port) {
    dir_ = "/tmp/likesim-scratch-redis-" + std::to_string(port);
    EXPECT_EQ(std::system(("mkdir -p " + dir_).c_str()), 0);
  }
  ~ScratchServer() {
    stop();
    EXPECT_EQ(std::system(("rm -rf " + dir_).c_str()), 0);
  }
  bool start() {
    const std::string cmd = "redis-server --port " + std::to_string(port_) +
                            " --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir " +
                            dir_ + " --logfile " + dir_ + "/redis.log >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return false;
    for (int i = 0; i < 50; ++i) {
      if (redis_cli(port_, "PING").find("PONG") != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  void stop() { redis_cli(port_, "SHUTDOWN NOSAVE"); }
  int port() const { return port_; }

 private:
  int port_;
  std::string dir_;
};

TEST(RedisClient, ANodeThatRestartsIsUnavailableThenServesAgainWithItsScriptsReloaded) {
  ScratchServer server(7391);
  if (redis_cli(7391, "PING").find("PONG") != std::string::npos) GTEST_SKIP() << "7391 in use";
  ASSERT_TRUE(server.start());
  RedisOptions o;
  o.nodes = {{"127.0.0.1", 7391}};
  o.connections_per_node = 2;
  Rig rig(o);
  const PostId post = fresh_post();
  EXPECT_EQ(rig.run(KeyId::bloom(post), KvVerb::bf_add, 9).value, 1);

  server.stop();
  rig.rt.run_until([] { return false; }, rig.rt.now() + 50ms);  // the EOF arrives
  const KvReply down = rig.run(KeyId::bloom(post), KvVerb::bf_add, 9);
  EXPECT_EQ(down.status, ReplyStatus::unavailable);

  ASSERT_TRUE(server.start());
  KvReply r;
  const Time until = rig.rt.now() + 3s;
  do {
    rig.rt.run_until([] { return false; }, rig.rt.now() + 20ms);
    r = rig.run(KeyId::bloom(post), KvVerb::bf_add, 9);
  } while (r.status != ReplyStatus::ok && rig.rt.now() < until);
  // A fresh server: the data and the script cache are gone (NOSCRIPT, then reloaded).
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_EQ(r.value, 1);
  EXPECT_GE(rig.redis.node_stats(0).failures, 1u);
}

TEST(RedisClient, ManyCoroutinesShareThePipelinedConnections) {
  Rig rig(options_for(false));
  const KeyId key = KeyId::counter(fresh_post());
  constexpr int kWorkers = 64;
  constexpr int kEach = 50;
  int finished = 0;
  int failures = 0;
  auto worker = [](Kv kv, KeyId k, int* done, int* failed) -> Task<void> {
    for (int i = 0; i < kEach; ++i) {
      const KvReply r = co_await kv.incr_by(k, 1);
      if (r.status != ReplyStatus::ok) ++*failed;
    }
    ++*done;
  };
  for (int w = 0; w < kWorkers; ++w) rig.rt.spawn(worker(rig.kv, key, &finished, &failures));
  ASSERT_TRUE(rig.rt.run_until([&] { return finished == kWorkers; }, rig.rt.now() + 20s));
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(rig.run(KvCommand::get(key)).value, kWorkers * kEach);
  EXPECT_GT(rig.redis.node_stats(0).max_in_flight, 4u);  // pipelined, not one at a time
}

}  // namespace
}  // namespace likesim::real
