#include "engine/backends/sim/row_lock_table.h"

#include <algorithm>
#include <cassert>

namespace likesim::sim {

RowLockTable::Grant RowLockTable::acquire(std::uint64_t row, Time ready) {
  Row& r = rows_[row];
  assert(r.pending_grant < 0 && "release() the previous grant first");
  while (!r.releases.empty() && r.releases.front() <= ready.count()) r.releases.pop_front();
  Grant g;
  g.ahead = r.releases.size();
  g.at = r.releases.empty() ? ready : std::max(ready, Time(r.releases.back()));
  r.pending_grant = g.at.count();
  max_queue_ = std::max(max_queue_, g.ahead + 1);
  return g;
}

void RowLockTable::release(std::uint64_t row, Time at) {
  Row& r = rows_[row];
  assert(r.pending_grant >= 0 && at.count() >= r.pending_grant);
  r.pending_grant = -1;
  r.releases.push_back(at.count());
}

}  // namespace likesim::sim
