// The Kv verbs Redis has no single command for, as Lua scripts run with EVALSHA.
//
// like/unlike must add to the set and move the counter atomically (a crash between the two
// would lose or double a like), and plain Redis has no Bloom filter (the RedisBloom module is
// not assumed), so BF.ADD / BF.EXISTS are SETBIT / GETBIT over the same bit positions the
// simulator uses (engine/backends/bloom_bits.h), which the client computes and passes as ARGV.
//
//   std::string_view lua = redis_script_source(RedisScript::like);   // for SCRIPT LOAD
#pragma once

#include <cstdint>
#include <string_view>

namespace likesim::real {

enum class RedisScript : std::uint8_t {
  like,          // KEYS: set, counter; ARGV: member  -> 1 if added (and the counter incremented)
  unlike,        // KEYS: set, counter; ARGV: member  -> 1 if removed (and the counter decremented)
  bloom_add,     // KEYS: bloom; ARGV: bit positions  -> 1 if some bit was 0
  bloom_exists,  // KEYS: bloom; ARGV: bit positions  -> 1 if every bit is set
};
constexpr int kRedisScriptCount = 4;

std::string_view redis_script_source(RedisScript script);

}  // namespace likesim::real
