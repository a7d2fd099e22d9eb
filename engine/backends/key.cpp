#include "engine/backends/key.h"

#include <cstdio>
#include <string_view>

namespace likesim {

std::size_t render_key(const KeyId& key, char* buf) {
  const char* open = key.hash_tag ? "{" : "";
  const char* close = key.hash_tag ? "}" : "";
  int n = 0;
  switch (key.kind) {
    case KeyKind::counter:
      n = std::snprintf(buf, 48, "likes:%s%u%s:count", open, key.post, close);
      break;
    case KeyKind::shard:
      n = std::snprintf(buf, 48, "likes:%s%u%s:shard:%u", open, key.post, close,
                        static_cast<unsigned>(key.shard));
      break;
    case KeyKind::like_set:
      n = std::snprintf(buf, 48, "liked:%s%u%s", open, key.post, close);
      break;
    case KeyKind::bloom:
      n = std::snprintf(buf, 48, "bloom:%s%u%s", open, key.post, close);
      break;
  }
  return static_cast<std::size_t>(n);
}

std::string key_text(const KeyId& key) {
  char buf[48];
  return std::string(buf, render_key(key, buf));
}

std::uint16_t crc16_xmodem(std::string_view data) {
  std::uint16_t crc = 0;
  for (unsigned char c : data) {
    crc ^= static_cast<std::uint16_t>(c) << 8;
    for (int i = 0; i < 8; ++i) {
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

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
  char buf[48];
  return hash_slot_of_text(std::string_view(buf, render_key(key, buf)));
}

}  // namespace likesim
