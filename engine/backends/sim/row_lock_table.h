// sim::RowLockTable: row locks with FIFO waiters, for the simulated PostgreSQL.
//
// PostgreSQL serialises writers of one row: the hot counter row of a celebrity post is the
// seed documents' classic bottleneck. A transaction asks for a row when its statement reaches
// it; it gets the row at once if nobody holds it, otherwise it waits behind every transaction
// that asked before it (FIFO in request order, which the event loop makes simulated-time
// order) and holds it until it releases it (its commit or rollback). The table knows holders
// and waiters by id only (the server's transaction slots); waiter links live in a node pool
// of the table, so a steady run allocates nothing. A row nobody holds has no entry.
//
//   RowLockTable locks;
//   std::size_t ahead = 0;
//   if (!locks.acquire(row, txn, ahead)) { ... wait: a later release() returns txn ... }
//   std::uint32_t next = locks.release(row);  // kNone, or the waiter that holds it now
#pragma once

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/core/random_stream.h"

namespace likesim::sim {

class RowLockTable {
 public:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

  // Asks for `row` for transaction `txn`. Returns true if it is granted now; otherwise `txn`
  // queues behind the holder and the earlier waiters. `ahead` is set to how many transactions
  // held or waited for the row when it asked.
  bool acquire(std::uint64_t row, std::uint32_t txn, std::size_t& ahead);
  // The holder of `row`, or kNone.
  std::uint32_t holder(std::uint64_t row) const;
  // The holder releases `row`: the first waiter, if any, holds it now and is returned; with
  // `random_order`, a waiter drawn uniformly from it instead.
  std::uint32_t release(std::uint64_t row, RandomStream* random_order = nullptr);
  // Most transactions holding or waiting for one row at once.
  std::size_t max_queue() const { return max_queue_; }

 private:
  struct Row {
    std::uint32_t holder = kNone;
    std::uint32_t head = kNone;  // waiter nodes, FIFO
    std::uint32_t tail = kNone;
    std::uint32_t waiting = 0;
  };
  struct Node {
    std::uint32_t txn = kNone;
    std::uint32_t next = kNone;
  };
  absl::flat_hash_map<std::uint64_t, Row> rows_;
  std::vector<Node> nodes_;
  std::uint32_t free_node_ = kNone;
  std::size_t max_queue_ = 0;
};

}  // namespace likesim::sim
