#include "engine/scenario/value_reader.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "engine/scenario/scenario_schema.h"

namespace likesim {

std::string join_key(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : cat(prefix, ".", key);
}

std::string show(const toml::node& n) {
  if (const auto* s = n.as_string()) return cat("\"", s->get(), "\"");
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  if (const auto* f = n.as_floating_point()) return format_number(f->get());
  std::ostringstream out;
  n.visit([&](const auto& v) { out << v; });
  return out.str();
}

std::string ValueReader::where(const toml::node& n) const {
  if (auto it = overrides_.find(&n); it != overrides_.end()) return it->second;
  return cat(file_, ":", n.source().begin.line);
}

void ValueReader::fail_at(const toml::node& n, std::string_view key, std::string_view what) const {
  throw LoadError{cat(where(n), ": ", key, ": ", what)};
}

void ValueReader::fail_at_either(const toml::table& t, std::string_view prefix,
                                 std::string_view first, std::string_view second,
                                 std::string_view what) const {
  for (const std::string_view key : {first, second}) {
    if (const toml::node* n = t.get(key)) fail_at(*n, join_key(prefix, key), what);
  }
  fail_at(t, prefix, what);
}

void ValueReader::fail_file(std::string_view what) const {
  throw LoadError{cat(file_, ": ", what)};
}

const toml::node* ValueReader::take(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (n) used_.insert(n);
  return n;
}

const toml::table* ValueReader::take_table(const toml::table& t, std::string_view prefix,
                                           std::string_view key) {
  const toml::node* n = take(t, key);
  if (!n) return nullptr;
  if (!n->is_table()) fail_at(*n, join_key(prefix, key), "expected a table, got " + show(*n));
  return n->as_table();
}

// The one place a numeric value meets its range.
void ValueReader::read_number(const toml::table& t, std::string_view prefix, std::string_view key,
                              double& out, std::string_view section, double below) {
  const toml::node* n = take(t, key);
  if (!n) return;
  NumericRange range = numeric_key(section.empty() ? prefix : section, key).range;
  if (range.integer) throw std::logic_error(cat("internal: ", key, " is an integer key"));
  if (below < range.hi || (below == range.hi && !range.hi_open)) {
    range.hi = below;
    range.hi_open = true;
  }
  const std::string path = join_key(prefix, key);
  std::optional<double> v;
  if (const auto* i = n->as_integer()) v = static_cast<double>(i->get());
  if (const auto* f = n->as_floating_point()) v = f->get();
  if (!v) fail_at(*n, path, cat("expected a number in ", range.describe(), ", got ", show(*n)));
  // NaN fails every comparison, so contains() is false for it as for +-inf.
  if (!range.contains(*v)) fail_at(*n, path, cat(show(*n), " out of range ", range.describe()));
  out = *v;
}

void ValueReader::number(const toml::table& t, std::string_view prefix, std::string_view key,
                         double& out, std::string_view section) {
  read_number(t, prefix, key, out, section, std::numeric_limits<double>::infinity());
}

void ValueReader::number_below(const toml::table& t, std::string_view prefix, std::string_view key,
                               double& out, std::string_view section, double below) {
  read_number(t, prefix, key, out, section, below);
}

bool ValueReader::read_integer(const toml::table& t, std::string_view prefix, std::string_view key,
                               std::string_view section, std::int64_t& out) {
  const toml::node* n = take(t, key);
  if (!n) return false;
  const NumericRange& range = numeric_key(section.empty() ? prefix : section, key).range;
  const std::string path = join_key(prefix, key);
  if (!range.integer) throw std::logic_error(cat("internal: ", key, " is not an integer key"));
  const auto* i = n->as_integer();
  if (!i) {
    fail_at(*n, path, cat("expected an integer in ", range.describe(), ", got ", show(*n)));
  }
  // Exact for every bound the schema uses (all below 2^53, or 2^63 for the seed, which every
  // int64 is below or equal to once converted).
  if (!range.contains(static_cast<double>(i->get()))) {
    fail_at(*n, path, cat(show(*n), " out of range ", range.describe()));
  }
  out = i->get();
  return true;
}

void ValueReader::boolean(const toml::table& t, std::string_view prefix, std::string_view key,
                          bool& out) {
  const toml::node* n = take(t, key);
  if (!n) return;
  const auto* b = n->as_boolean();
  if (!b) fail_at(*n, join_key(prefix, key), "expected true or false, got " + show(*n));
  out = b->get();
}

void ValueReader::string(const toml::table& t, std::string_view prefix, std::string_view key,
                         std::string& out) {
  const toml::node* n = take(t, key);
  if (!n) return;
  const auto* s = n->as_string();
  if (!s) fail_at(*n, join_key(prefix, key), "expected a string, got " + show(*n));
  out = s->get();
}

bool ValueReader::choice(const toml::table& t, std::string_view prefix, std::string_view key,
                         std::initializer_list<std::string_view> names, int& out) {
  const toml::node* n = take(t, key);
  if (!n) return false;
  const auto* s = n->as_string();
  int index = 0;
  for (std::string_view name : names) {
    if (s && s->get() == name) {
      out = index;
      return true;
    }
    ++index;
  }
  std::string quoted;
  for (std::string_view name : names) quoted += cat(quoted.empty() ? "" : ", ", "\"", name, "\"");
  fail_at(*n, join_key(prefix, key), cat("expected one of ", quoted, ", got ", show(*n)));
}

std::vector<std::pair<std::string, const toml::node*>> ValueReader::in_file_order(
    const toml::table& t) const {
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (auto&& [key, node] : t) entries.emplace_back(std::string(key.str()), &node);
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
    return order_of(*a.second) < order_of(*b.second);
  });
  return entries;
}

}  // namespace likesim
