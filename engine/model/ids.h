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
constexpr PostId unpack_like_post(std::uint64_t like) { return static_cast<PostId>(like >> 32); }
constexpr UserId unpack_like_user(std::uint64_t like) { return static_cast<UserId>(like); }

}  // namespace likesim
