// ReplyStatus: how a backend operation ended. Failure is data on the request path: a timed-out
// write may or may not have landed, and both the strategy and the oracle must know that.
#pragma once

#include <cstdint>
#include <string_view>

namespace likesim {

enum class ReplyStatus : std::uint8_t {
  ok,
  timeout,      // no answer in time: the operation may or may not have been applied
  rejected,     // refused before it was sent (pool wait timed out): certainly not applied
  unavailable,  // the server is down: certainly not applied
  error,        // the server answered with an error
};

constexpr std::string_view status_name(ReplyStatus s) {
  switch (s) {
    case ReplyStatus::ok:
      return "ok";
    case ReplyStatus::timeout:
      return "timeout";
    case ReplyStatus::rejected:
      return "rejected";
    case ReplyStatus::unavailable:
      return "unavailable";
    case ReplyStatus::error:
      return "error";
  }
  return "?";
}

// The worse of two statuses (ok < rejected < unavailable < error < timeout).
constexpr ReplyStatus worse(ReplyStatus a, ReplyStatus b) {
  auto rank = [](ReplyStatus s) {
    switch (s) {
      case ReplyStatus::ok:
        return 0;
      case ReplyStatus::rejected:
        return 1;
      case ReplyStatus::unavailable:
        return 2;
      case ReplyStatus::error:
        return 3;
      case ReplyStatus::timeout:
        return 4;
    }
    return 4;
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace likesim
