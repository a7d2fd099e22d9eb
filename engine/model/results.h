// What the like API answers (seed 002: 200 / 409 / 404, plus count and status).
//
// `failed` means a backend answered with an error or timed out: the operation may or may not
// have landed, and the oracle keeps bounds for it (DESIGN.md §4).
#pragma once

#include <array>
#include <cstdint>

#include "engine/model/ids.h"
#include "engine/model/request.h"

namespace likesim {

enum class LikeResult : std::uint8_t { ok, already_liked, failed };
enum class UnlikeResult : std::uint8_t { ok, not_liked, failed };

struct CountResult {
  std::int64_t count = 0;
  bool approximate = false;  // the strategy knows the value may lag (seed 003 is_approximate)
  bool ok = true;
};

struct StatusResult {
  bool liked = false;
  bool ok = true;
};

struct BatchCountResult {
  std::uint8_t n = 0;
  bool ok = true;
  std::array<std::int64_t, kMaxBatchPosts> counts{};
  std::array<bool, kMaxBatchPosts> liked{};
  std::array<bool, kMaxBatchPosts> approximate{};
};

}  // namespace likesim
