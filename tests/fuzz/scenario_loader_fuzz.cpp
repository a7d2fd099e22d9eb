// Fuzz target: the scenario loader on arbitrary bytes. A document may be rejected (with its
// one-line message) but never crash, hang, or throw past load_scenario_text; an internal error
// (a key read without a range in the schema) is a bug and aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/scenario/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<likesim::Scenario> s = likesim::load_scenario_text(text, "fuzz.toml");
  if (!s.ok() && s.status().code() == absl::StatusCode::kInternal) std::abort();
  if (!s.ok() && s.status().message().empty()) std::abort();  // every error says what
  return 0;
}
