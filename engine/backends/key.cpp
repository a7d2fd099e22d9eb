#include "engine/backends/key.h"

#include <array>
#include <charconv>
#include <string_view>

namespace likesim {

namespace {

// Appends text / a decimal number at `p`; returns the new end. Hot: every simulated Redis
// command places its key, so no snprintf.
char* put(char* p, std::string_view text) {
  for (char c : text) *p++ = c;
  return p;
}
char* put(char* p, std::uint32_t v) { return std::to_chars(p, p + 10, v).ptr; }
// The decimal digits of v at `digits` (10 bytes); returns how many.
std::size_t put_digits(char* digits, std::uint32_t v) {
  return static_cast<std::size_t>(put(digits, v) - digits);
}

// The text before a key's post.
std::string_view key_head(KeyKind kind) {
  switch (kind) {
    case KeyKind::counter:
    case KeyKind::shard:
      return "likes:";
    case KeyKind::like_set:
      return "liked:";
    case KeyKind::bloom:
      return "bloom:";
  }
  return {};
}

// The text after a key's post, and whether the shard's number ends it.
struct KeyTail {
  std::string_view text;
  bool has_shard = false;
};
KeyTail key_tail(const KeyId& key) {
  switch (key.kind) {
    case KeyKind::counter:
      return {":count", false};
    case KeyKind::shard:
      return {":shard:", true};
    case KeyKind::like_set:
    case KeyKind::bloom:
      // A post's set split by user (dedup_shards > 1) has its part's number.
      if (key.shard != 0) return {":", true};
      return {};
  }
  return {};
}

}  // namespace

std::size_t render_key(const KeyId& key, char* buf) {
  char* p = put(buf, key_head(key.kind));
  if (key.hash_tag) *p++ = '{';
  p = put(p, key.post);
  if (key.hash_tag) *p++ = '}';
  const KeyTail tail = key_tail(key);
  p = put(p, tail.text);
  if (tail.has_shard) p = put(p, key.shard);
  return static_cast<std::size_t>(p - buf);
}

std::string key_text(const KeyId& key) {
  char buf[48];
  return std::string(buf, render_key(key, buf));
}

namespace {

// Reads a decimal number of at most `max` from the front of `text` and drops it.
template <class T>
bool take_number(std::string_view& text, T max, T& out) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end == text.data() || v > max) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  out = static_cast<T>(v);
  return true;
}
bool take(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

}  // namespace

namespace {

std::optional<KeyId> parse_key_parts(std::string_view text) {
  KeyId k;
  if (take(text, "likes:")) {
    k.kind = KeyKind::counter;  // or shard, decided by the suffix
  } else if (take(text, "liked:")) {
    k.kind = KeyKind::like_set;
  } else if (take(text, "bloom:")) {
    k.kind = KeyKind::bloom;
  } else {
    return std::nullopt;
  }
  k.hash_tag = take(text, "{");
  if (!take_number(text, ~PostId{0}, k.post)) return std::nullopt;
  if (k.hash_tag && !take(text, "}")) return std::nullopt;
  if (k.kind == KeyKind::counter) {
    if (take(text, ":count")) {
      if (!text.empty()) return std::nullopt;
      return k;
    }
    if (!take(text, ":shard:")) return std::nullopt;
    k.kind = KeyKind::shard;
    if (!take_number(text, std::uint16_t{0xffff}, k.shard) || !text.empty()) return std::nullopt;
    return k;
  }
  if (text.empty()) return k;  // shard 0: the unsplit set / filter
  if (!take(text, ":") || !take_number(text, std::uint16_t{0xffff}, k.shard) || k.shard == 0 ||
      !text.empty()) {
    return std::nullopt;
  }
  return k;
}

}  // namespace

std::optional<KeyId> parse_key(std::string_view text) {
  // Only the one spelling render_key writes (no leading zeros, no "liked:P:0").
  std::optional<KeyId> k = parse_key_parts(text);
  if (k && key_text(*k) != text) return std::nullopt;
  return k;
}

namespace {

constexpr std::array<std::uint16_t, 256> make_crc16_table() {
  std::array<std::uint16_t, 256> table{};
  for (int i = 0; i < 256; ++i) {
    std::uint16_t crc = static_cast<std::uint16_t>(i << 8);
    for (int b = 0; b < 8; ++b) {
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<std::uint16_t>(crc << 1);
    }
    table[static_cast<std::size_t>(i)] = crc;
  }
  return table;
}
constexpr std::array<std::uint16_t, 256> kCrc16Table = make_crc16_table();

std::uint16_t crc16_update(std::uint16_t crc, std::string_view data) {
  for (unsigned char c : data) {
    crc = static_cast<std::uint16_t>((crc << 8) ^ kCrc16Table[((crc >> 8) ^ c) & 0xff]);
  }
  return crc;
}

// The CRC of the key's text up to and including its post (and the tag's closing brace).
std::uint16_t crc16_of_key_prefix(const KeyId& key, char* digits) {
  std::uint16_t crc = crc16_update(0, key_head(key.kind));
  if (key.hash_tag) crc = crc16_update(crc, "{");
  crc = crc16_update(crc, std::string_view(digits, put_digits(digits, key.post)));
  if (key.hash_tag) crc = crc16_update(crc, "}");
  return crc;
}

// The CRC of render_key's text, fed piece by piece as render_key writes them (CRC16 runs over
// bytes in order, so the pieces need not meet in one buffer): a simulated cluster places
// every key of a background MGET this way, and rendering the text first cost twice as much.
std::uint16_t crc16_of_key_text(const KeyId& key) {
  char digits[10];
  // The text up to the post's id (and its tag's brace) is the same for every shard of a post:
  // an MGET of a post's shards hashes it once (the last one hashed on this thread is kept).
  struct Prefix {
    PostId post = 0;
    KeyKind kind = KeyKind::counter;
    bool hash_tag = false;
    bool valid = false;
    std::uint16_t crc = 0;
  };
  thread_local Prefix last;
  std::uint16_t crc = 0;
  if (last.valid && last.post == key.post && last.kind == key.kind &&
      last.hash_tag == key.hash_tag) {
    crc = last.crc;
  } else {
    crc = crc16_of_key_prefix(key, digits);
    last = Prefix{key.post, key.kind, key.hash_tag, true, crc};
  }
  const KeyTail tail = key_tail(key);
  crc = crc16_update(crc, tail.text);
  if (!tail.has_shard) return crc;
  return crc16_update(crc, std::string_view(digits, put_digits(digits, key.shard)));
}

}  // namespace

std::uint16_t crc16_xmodem(std::string_view data) { return crc16_update(0, data); }

int hash_slot_of_text(std::string_view text) {
  auto open = text.find('{');
  if (open != std::string_view::npos) {
    auto close = text.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      text = text.substr(open + 1, close - open - 1);
    }
  }
  return crc16_xmodem(text) % kClusterSlots;
}

int hash_slot(const KeyId& key) {
  if (key.hash_tag) {
    // The tag is the post's decimal id: hash just that.
    char digits[10];
    return crc16_xmodem(std::string_view(digits, put_digits(digits, key.post))) % kClusterSlots;
  }
  // Untagged keys have no '{', so the whole text is hashed.
  return crc16_of_key_text(key) % kClusterSlots;
}

}  // namespace likesim
