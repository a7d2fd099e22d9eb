// Endpoint: a server address as the user writes it ("127.0.0.1:7001"), parsed once.
//
//   auto nodes = parse_endpoints("127.0.0.1:7101,127.0.0.1:7102");   // StatusOr<vector>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace likesim::real {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;

  std::string text() const { return host + ":" + std::to_string(port); }
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// "host:port"; the error says what is wrong with the text.
absl::StatusOr<Endpoint> parse_endpoint(std::string_view text);
// A comma-separated list of "host:port", at least one.
absl::StatusOr<std::vector<Endpoint>> parse_endpoints(std::string_view text);

}  // namespace likesim::real
