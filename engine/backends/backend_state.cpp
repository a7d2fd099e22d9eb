#include "engine/backends/backend_state.h"

#include <algorithm>

namespace likesim {

std::vector<PostId> BackendState::posts() const {
  std::vector<PostId> out;
  out.reserve(redis_values.size() + redis_likers.size() + db_counters.size() + db_likers.size());
  for (const auto& [key, _] : redis_values) out.push_back(key.post);
  for (const auto& [post, _] : redis_likers) out.push_back(post);
  for (const auto& [post, _] : db_counters) out.push_back(post);
  for (const auto& [post, _] : db_likers) out.push_back(post);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace likesim
