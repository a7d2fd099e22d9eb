#include "engine/backends/real/redis_scripts.h"

#include "engine/core/random_stream.h"

namespace likesim::real {

std::string_view redis_script_source(RedisScript script) {
  switch (script) {
    case RedisScript::like:
      return "if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then\n"
             "  redis.call('INCRBY', KEYS[2], 1)\n"
             "  return 1\n"
             "end\n"
             "return 0\n";
    case RedisScript::unlike:
      return "if redis.call('SREM', KEYS[1], ARGV[1]) == 1 then\n"
             "  redis.call('INCRBY', KEYS[2], -1)\n"
             "  return 1\n"
             "end\n"
             "return 0\n";
    case RedisScript::bloom_add:
      // SETBIT answers the bit's previous value, so no GETBIT is needed.
      return "local added = 0\n"
             "for i = 1, #ARGV do\n"
             "  if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then added = 1 end\n"
             "end\n"
             "return added\n";
    case RedisScript::bloom_exists:
      return "for i = 1, #ARGV do\n"
             "  if redis.call('GETBIT', KEYS[1], ARGV[i]) == 0 then return 0 end\n"
             "end\n"
             "return 1\n";
  }
  return {};
}

std::array<std::uint32_t, kBloomHashes> bloom_bits(PostId post, UserId item) {
  const std::uint64_t h = mix64(pack_like(post, item));
  const std::uint64_t h1 = h & 0xffffffffu;
  const std::uint64_t h2 = (h >> 32) | 1;
  const std::uint64_t mask = (std::uint64_t{1} << kBloomBitsLog2) - 1;
  std::array<std::uint32_t, kBloomHashes> bits{};
  for (int i = 0; i < kBloomHashes; ++i) {
    bits[static_cast<std::size_t>(i)] =
        static_cast<std::uint32_t>((h1 + static_cast<std::uint64_t>(i) * h2) & mask);
  }
  return bits;
}

}  // namespace likesim::real
