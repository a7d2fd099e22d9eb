#include "engine/scenario/scenario_overrides.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace likesim {
namespace {

std::string trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

void apply_override(ValueReader& reader, const std::string& set, const std::string& origin_text) {
  toml::table& root = reader.root();
  const std::string origin = origin_text.empty() ? "--set " + set : origin_text;
  const auto fail = [&](std::string_view what) { throw LoadError{cat(origin, ": ", what)}; };
  const std::size_t eq = set.find('=');
  if (eq == std::string::npos) fail("expected KEY=VALUE, e.g. strategy.sharded_counter.shards=32");
  const std::string key = trim(std::string_view(set).substr(0, eq));
  const std::string value = trim(std::string_view(set).substr(eq + 1));
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const std::string& p : parts) {
    if (p.empty()) fail(cat("bad key '", key, "'"));
  }
  if (parts[0] == "strategy" && parts.size() >= 2) {
    const toml::table* strategies = root.get_as<toml::table>("strategy");
    if (!strategies || !strategies->contains(parts[1])) {
      fail(cat("no strategy named '", parts[1], "'"));
    }
  }

  toml::table* t = &root;
  std::string path;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    path = join_key(path, parts[i]);
    toml::node* n = t->get(parts[i]);
    if (!n) {
      t->insert(parts[i], toml::table{});
      n = t->get(parts[i]);
      reader.mark_override(n, origin);
    }
    if (n->is_array())
      fail(cat("'", path, "' is an array ([[", path, "]]); --set cannot reach into it"));
    if (!n->is_table()) fail(cat("'", path, "' is not a table"));
    t = n->as_table();
  }
  // An array of values (a measured shape's quantiles) may be replaced whole; an array of
  // tables ([[fault]]) may not.
  if (const toml::node* old = t->get(parts.back());
      old && (old->is_table() || old->is_array_of_tables())) {
    fail(cat("'", key, "' is a ", old->is_table() ? "table" : "array", "; set one of its keys"));
  }

  // VALUE as TOML (42, 2.5, true, "text"); anything that is not one TOML value is a string.
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
  }
  toml::node* v = parsed.size() == 1 ? parsed.get("v") : nullptr;
  if (v) {
    t->insert_or_assign(parts.back(), std::move(*v));
  } else {
    t->insert_or_assign(parts.back(), value);
  }
  reader.mark_override(t->get(parts.back()), origin);
}

// Reads and parses a TOML file; `what` names it in messages ("scenario", "cost file").
absl::StatusOr<toml::table> parse_toml_file(const std::string& path, std::string_view what) {
  std::string text;
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
      return absl::NotFoundError(
          cat("cannot open ", what, " '", path, "': ", std::strerror(errno)));
    }
    char buffer[1 << 14];
    std::size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, got);
    const bool failed = std::ferror(f) != 0;
    const int error = errno;
    std::fclose(f);
    if (failed) {
      return absl::NotFoundError(
          cat("cannot read ", what, " '", path, "': ", std::strerror(error)));
    }
  }
  return parse_toml_text(text, path);
}

absl::StatusOr<toml::table> parse_toml_text(std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        cat(path, ":", e.source().begin.line, ":", e.source().begin.column, ": ", e.description()));
  }
}

// A cost file's values as overrides "backends.redis.request_us=11.2", each with its FILE:LINE.
void cost_overrides(const std::string& path, const toml::table& root,
                    std::vector<std::pair<std::string, std::string>>& out) {
  constexpr std::string_view kOnly =
      "a cost file holds only [backends.redis], [backends.postgres] and [backends.kafka] "
      "values (likesim calibrate writes one)";
  for (auto&& [key, node] : root) {
    const std::string where = cat(path, ":", node.source().begin.line);
    if (key.str() != "backends" || !node.is_table()) {
      throw LoadError{cat(where, ": ", key.str(), ": ", kOnly)};
    }
    for (auto&& [server, values] : *node.as_table()) {
      if (!values.is_table()) throw LoadError{cat(where, ": backends.", server.str(), ": ", kOnly)};
      for (auto&& [name, value] : *values.as_table()) {
        const std::string line = cat(path, ":", value.source().begin.line);
        if (!value.is_value() && !value.is_array()) {  // arrays: measured quantiles
          throw LoadError{cat(line, ": backends.", server.str(), ".", name.str(), ": ", kOnly)};
        }
        std::ostringstream text;
        value.visit([&](auto&& v) {
          if constexpr (toml::is_value<decltype(v)> || toml::is_array<decltype(v)>) text << v;
        });
        out.emplace_back(cat("backends.", server.str(), ".", name.str(), "=", text.str()), line);
      }
    }
  }
}

}  // namespace likesim
