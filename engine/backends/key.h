// KeyId: a structured Redis key (kind, post, shard), rendered to text only where text is needed.
//
// Both worlds place a key with hash_slot(), which renders the key into a stack buffer and runs
// Redis Cluster's CRC16 mod 16384 over it (honouring {hash tags}), so the simulated and the
// real cluster put every key on the same node. Whether a post's shards share a hash tag is the
// strategy's choice, with a real cost: one tag puts every shard on one node.
//
//   KeyId k = KeyId::shard(42, 3, /*hash_tag=*/false);   // "likes:42:shard:3"
//   int slot = hash_slot(k);
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "engine/model/ids.h"

namespace likesim {

enum class KeyKind : std::uint8_t {
  counter,   // likes:{P}:count       one counter per post
  shard,     // likes:{P}:shard:S     counter shard S of post P
  like_set,  // liked:{P}  or liked:P:S  set of users who liked P (S: the user's set shard)
  bloom,     // bloom:{P}             Bloom filter bits for P
};

struct KeyId {
  PostId post = 0;
  std::uint16_t shard = 0;
  KeyKind kind = KeyKind::counter;
  bool hash_tag = true;  // render the post as {P} so the post's keys share one slot

  static constexpr KeyId counter(PostId p) { return {p, 0, KeyKind::counter, true}; }
  static constexpr KeyId shard_key(PostId p, std::uint16_t s, bool tag) {
    return {p, s, KeyKind::shard, tag};
  }
  static constexpr KeyId like_set(PostId p) { return {p, 0, KeyKind::like_set, true}; }
  // Set shard s >= 1 of a post whose likers are split over several sets (by user hash), so a
  // celebrity post's dedup set is not one hot key. Shard 0 is the unsplit set.
  static constexpr KeyId like_set_shard(PostId p, std::uint16_t s) {
    return s == 0 ? like_set(p) : KeyId{p, s, KeyKind::like_set, false};
  }
  static constexpr KeyId bloom(PostId p) { return {p, 0, KeyKind::bloom, true}; }

  friend constexpr bool operator==(const KeyId&, const KeyId&) = default;
  // The key's 8 bytes as one word: one mixing step instead of four (a key is hashed two or
  // three times a request in the simulated cluster). No padding: see the static_assert.
  template <class H>
  friend H AbslHashValue(H h, const KeyId& k) {
    return H::combine(std::move(h), std::bit_cast<std::uint64_t>(k));
  }
};
static_assert(sizeof(KeyId) == 8 && std::has_unique_object_representations_v<KeyId>);

// Writes the key's Redis text into `buf` (at least 48 bytes); returns its length.
std::size_t render_key(const KeyId& key, char* buf);
std::string key_text(const KeyId& key);
// The KeyId whose render_key() is `text`, or nullopt for a key likesim's strategies do not
// write as a KeyId (stream keys, anything else): the final check reads a real server's keys
// back with it and skips what it does not know.
std::optional<KeyId> parse_key(std::string_view text);

// Redis Cluster's slot of a key: CRC16-CCITT (XMODEM) of the key, or of the text between the
// first '{' and the next '}' when that is non-empty, mod 16384.
int hash_slot(const KeyId& key);
int hash_slot_of_text(std::string_view text);
std::uint16_t crc16_xmodem(std::string_view data);

constexpr int kClusterSlots = 16384;

}  // namespace likesim
