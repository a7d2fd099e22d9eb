#include "engine/backends/real/redis_scripts.h"

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

}  // namespace likesim::real
