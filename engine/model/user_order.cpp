#include "engine/model/user_order.h"

#include <algorithm>
#include <deque>
#include <mutex>

namespace likesim {

// A run builds a handful of orders (one per workload it makes: one per strategy), all alike
// for one scenario, so equal permutations share one entry and the registry stays that small.
// A deque never moves its elements: the pointers handed out stay valid.
UserOrder UserOrder::by_rank(const UserPermutation& fans) {
  static std::mutex mutex;
  static std::deque<UserPermutation> interned;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = std::find(interned.begin(), interned.end(), fans);
  if (it == interned.end()) {
    interned.push_back(fans);
    return UserOrder(&interned.back());
  }
  return UserOrder(&*it);
}

}  // namespace likesim
