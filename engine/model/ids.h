// The domain's identifiers. Small integers, so a like (post, user) packs into 64 bits.
#pragma once

#include <cstdint>

namespace likesim {

using PostId = std::uint32_t;
using UserId = std::uint32_t;
// A client request's id. A client retry resends the same id (DESIGN.md §5).
using RequestId = std::uint64_t;

constexpr std::uint64_t pack_like(PostId post, UserId user) {
  return (static_cast<std::uint64_t>(post) << 32) | user;
}

}  // namespace likesim
