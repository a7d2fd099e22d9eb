#include "engine/backends/sim/row_lock_table.h"

#include <algorithm>
#include <cassert>

namespace likesim::sim {

bool RowLockTable::acquire(std::uint64_t row, std::uint32_t txn, std::size_t& ahead) {
  Row& r = rows_[row];
  assert(r.holder != txn && "the transaction holds this row already");
  if (r.holder == kNone) {
    r.holder = txn;
    ahead = 0;
    max_queue_ = std::max<std::size_t>(max_queue_, 1);
    return true;
  }
  ahead = 1 + r.waiting;
  std::uint32_t node = free_node_;
  if (node == kNone) {
    node = static_cast<std::uint32_t>(nodes_.size());
    nodes_.emplace_back();
  } else {
    free_node_ = nodes_[node].next;
  }
  nodes_[node] = Node{txn, kNone};
  if (r.tail == kNone) {
    r.head = node;
  } else {
    nodes_[r.tail].next = node;
  }
  r.tail = node;
  ++r.waiting;
  max_queue_ = std::max(max_queue_, ahead + 1);
  return false;
}

std::uint32_t RowLockTable::holder(std::uint64_t row) const {
  auto it = rows_.find(row);
  return it == rows_.end() ? kNone : it->second.holder;
}

std::uint32_t RowLockTable::release(std::uint64_t row, RandomStream* random_order) {
  auto it = rows_.find(row);
  assert(it != rows_.end() && it->second.holder != kNone);
  Row& r = it->second;
  if (r.head == kNone) {
    rows_.erase(it);
    return kNone;
  }
  std::uint64_t pick = random_order && r.waiting > 1 ? random_order->uniform_int(r.waiting) : 0;
  // Unlink the picked waiter's node (walking from the head: queues are as long as a pool).
  std::uint32_t before = kNone;
  std::uint32_t node = r.head;
  for (; pick > 0; --pick) {
    before = node;
    node = nodes_[node].next;
  }
  const std::uint32_t after = nodes_[node].next;
  (before == kNone ? r.head : nodes_[before].next) = after;
  if (after == kNone) r.tail = before;
  r.holder = nodes_[node].txn;
  --r.waiting;
  nodes_[node].next = free_node_;
  free_node_ = node;
  return r.holder;
}

}  // namespace likesim::sim
