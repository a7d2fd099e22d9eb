// Overrides and cost files: `--set KEY.PATH=VALUE` applied onto a parsed scenario before it is
// read, and a cost file's [backends.*] values turned into such overrides, each remembering
// where it came from ("--set KEY=VALUE", "FILE:LINE") so errors in it name that origin.
// Internal to the loader (engine/scenario/).
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/scenario/value_reader.h"

namespace likesim {

// Sets KEY.PATH to VALUE (TOML; anything that is not one TOML value is a string) in the
// reader's document. `origin` names it in messages: "--set " + set when empty.
void apply_override(ValueReader& reader, const std::string& set, const std::string& origin = {});

// Reads and parses a TOML file; `what` names it in messages ("scenario", "cost file").
absl::StatusOr<toml::table> parse_toml_file(const std::string& path, std::string_view what);
// The same for a document already in memory; `path` names it in messages.
absl::StatusOr<toml::table> parse_toml_text(std::string_view text, const std::string& path);

// A cost file's values as overrides "backends.redis.request_us=11.2", each with its FILE:LINE.
// Throws LoadError for anything but [backends.redis|postgres|kafka] values.
void cost_overrides(const std::string& path, const toml::table& root,
                    std::vector<std::pair<std::string, std::string>>& out);

}  // namespace likesim
