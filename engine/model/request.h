// Request: one client operation as the workload produces it and the runner issues it.
//
// `intended` is the open-loop send time the workload fixed in advance; latency is measured
// from it, so a stalled backend cannot hide its queue (DESIGN.md §4).
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/core/sim_time.h"
#include "engine/model/ids.h"

namespace likesim {

enum class Op : std::uint8_t { like, unlike, count, status, batch_count };
constexpr int kOpCount = 5;
constexpr std::string_view op_name(Op op) {
  switch (op) {
    case Op::like:
      return "like";
    case Op::unlike:
      return "unlike";
    case Op::count:
      return "count";
    case Op::status:
      return "status";
    case Op::batch_count:
      return "batch_count";
  }
  return "?";
}

// The largest batch a batch_count request may ask for (seed 002: a feed page).
constexpr int kMaxBatchPosts = 100;

struct Request {
  Time intended{0};
  RequestId id = 0;
  PostId post = 0;  // batch_count: the first post of the page; the page is post..post+batch-1
  UserId user = 0;
  Op op = Op::like;
  std::uint8_t batch = 0;  // batch_count only: number of posts, 1..kMaxBatchPosts
  bool retry = false;      // a client retry of an earlier request with the same id
};

}  // namespace likesim
