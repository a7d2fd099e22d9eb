// sim::RowLockTable: row locks with FIFO waiters, for the simulated PostgreSQL.
//
// PostgreSQL serialises writers of one row: the hot counter row of a celebrity post is the
// seed documents' classic bottleneck. A transaction asks for a row when it is ready to write
// it; it gets the row when every earlier holder has released it (FIFO in request order), and
// holds it until its commit. Requests are made in the order transactions reach the server, so
// the table only needs, per row, the release times of the holders still ahead.
//
//   RowLockTable locks;
//   auto grant = locks.acquire(row, ready_at);   // grant.at >= ready_at; grant.ahead waiters
//   ... locks.release(row, grant, commit_done);
#pragma once

#include <cstdint>
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "engine/core/sim_time.h"

namespace likesim::sim {

class RowLockTable {
 public:
  struct Grant {
    Time at{0};             // when the lock is granted
    std::size_t ahead = 0;  // transactions holding or waiting for the row when it was asked
  };
  // Asks for `row` at `ready`. Must be followed by release() for the same row.
  Grant acquire(std::uint64_t row, Time ready);
  // The holder that was granted `row` releases it at `at` (>= its grant time).
  void release(std::uint64_t row, Time at);
  std::size_t max_queue() const { return max_queue_; }

 private:
  struct Row {
    std::deque<std::int64_t> releases;  // release times of holders granted so far, in order
    std::int64_t pending_grant = -1;    // grant time of the holder not yet released
  };
  absl::flat_hash_map<std::uint64_t, Row> rows_;
  std::size_t max_queue_ = 0;
};

}  // namespace likesim::sim
