#include "engine/backends/real/endpoint.h"

#include <charconv>

namespace likesim::real {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

absl::StatusOr<Endpoint> parse_endpoint(std::string_view text) {
  text = trim(text);
  const std::string quoted = "'" + std::string(text) + "'";
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return absl::InvalidArgumentError(quoted + " is not host:port");
  }
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(quoted + " has no valid port (1-65535)");
  }
  return Endpoint{std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

absl::StatusOr<std::vector<Endpoint>> parse_endpoints(std::string_view text) {
  std::vector<Endpoint> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (part.empty()) continue;
    absl::StatusOr<Endpoint> e = parse_endpoint(part);
    if (!e.ok()) return e.status();
    out.push_back(*std::move(e));
  }
  if (out.empty()) return absl::InvalidArgumentError("no address given (want host:port,...)");
  return out;
}

}  // namespace likesim::real
