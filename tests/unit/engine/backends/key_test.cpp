#include "engine/backends/key.h"

#include <gtest/gtest.h>

namespace likesim {
namespace {

// The examples of the Redis Cluster specification.
TEST(HashSlot, MatchesRedisCluster) {
  EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);
  EXPECT_EQ(hash_slot_of_text("123456789"), 0x31C3 % 16384);
  EXPECT_EQ(hash_slot_of_text("foo"), 12182);
  EXPECT_EQ(hash_slot_of_text("{user1000}.following"), hash_slot_of_text("{user1000}.followers"));
  EXPECT_EQ(hash_slot_of_text("{user1000}.following"), hash_slot_of_text("user1000"));
  EXPECT_EQ(hash_slot_of_text("foo{}{bar}"), crc16_xmodem("foo{}{bar}") % 16384);
  EXPECT_EQ(hash_slot_of_text("foo{{bar}}zap"), hash_slot_of_text("{bar"));
  EXPECT_EQ(hash_slot_of_text("foo{bar}{zap}"), hash_slot_of_text("bar"));
}

TEST(KeyId, RendersTheRedisKeyText) {
  EXPECT_EQ(key_text(KeyId::counter(42)), "likes:{42}:count");
  EXPECT_EQ(key_text(KeyId::shard_key(42, 3, false)), "likes:42:shard:3");
  EXPECT_EQ(key_text(KeyId::shard_key(42, 3, true)), "likes:{42}:shard:3");
  EXPECT_EQ(key_text(KeyId::like_set(42)), "liked:{42}");
  EXPECT_EQ(key_text(KeyId::like_set_shard(42, 5)), "liked:42:5");
  EXPECT_EQ(key_text(KeyId::bloom(4294967295u)), "bloom:{4294967295}");
  // A post's tagged keys share a slot; untagged shards spread.
  EXPECT_EQ(hash_slot(KeyId::counter(42)), hash_slot(KeyId::like_set(42)));
  EXPECT_EQ(hash_slot(KeyId::counter(42)), hash_slot_of_text("42"));
  EXPECT_NE(hash_slot(KeyId::shard_key(42, 1, false)), hash_slot(KeyId::shard_key(42, 2, false)));
}

// hash_slot places a key without rendering its text (key.cpp): it must agree with the slot of
// the rendered text for every kind, tag, post and shard.
TEST(HashSlot, OfAKeyIsTheSlotOfItsText) {
  std::uint64_t x = 12345;
  const auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(x >> 32);
  };
  for (int i = 0; i < 20'000; ++i) {
    const std::uint32_t post = i < 10'000 ? static_cast<std::uint32_t>(i) : next();
    for (const KeyKind kind :
         {KeyKind::counter, KeyKind::shard, KeyKind::like_set, KeyKind::bloom}) {
      for (const bool tag : {false, true}) {
        // Several shards of one post in a row, as an MGET places them (a post's text is
        // hashed once and kept), then another post's.
        for (int s = 0; s < 3; ++s) {
          const auto shard = static_cast<std::uint16_t>(s == 0 ? 0 : next() % 70'000);
          const KeyId key{post, shard, kind, tag};
          ASSERT_EQ(hash_slot(key), hash_slot_of_text(key_text(key))) << key_text(key);
        }
      }
    }
  }
}

// parse_key reads back exactly what render_key writes, and nothing else: the final check
// parses a real server's SCAN output with it and must skip keys that are not a post's.
TEST(KeyId, ParsesBackEveryKeyItRendersAndRejectsOthers) {
  const KeyId keys[] = {KeyId::counter(42),
                        KeyId::shard_key(42, 3, false),
                        KeyId::shard_key(7, 65535, true),
                        KeyId::like_set(0),
                        KeyId::like_set_shard(42, 5),
                        KeyId::bloom(4294967295u),
                        KeyId{9, 0, KeyKind::counter, false}};
  for (const KeyId& k : keys) {
    const std::optional<KeyId> back = parse_key(key_text(k));
    ASSERT_TRUE(back.has_value()) << key_text(k);
    EXPECT_EQ(*back, k) << key_text(k);
  }
  for (const char* text :
       {"likes:{42}", "likes:{42}:count:x", "likes:{042}:count", "likes:42:shard:", "liked:42:0",
        "liked:{4294967296}", "likesim:stream:3", "liked:", "likes:{42:count", "foo",
        "likes:42:shard:70000", "bloom:{1}:"}) {
    EXPECT_FALSE(parse_key(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace likesim
