// ValueReader: typed getters over a parsed scenario document, each failing with one line that
// names where the value came from (FILE:LINE, the --set text, or a cost file's FILE:LINE) and
// the key. Every node a getter takes is marked used, so the unknown-key sweep
// (check_unknown_keys) can name whatever no getter asked for.
//
// Numeric getters take their range from the schema (scenario_schema.h): the range of a key is
// checked here and nowhere else, and a value outside it reads
//   scenarios/x.toml:12: backends.kafka.poll_timeout_ms: 0 out of range [0.01, 3600000]
// Internal to the loader (engine/scenario/); LoadError never leaves load_scenario.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace likesim {

// Thrown inside the loader only; load_scenario turns it into a Status.
struct LoadError {
  std::string message;
};

// Concatenates strings, string views and integers (absl::StrCat's AlphaNum does not take
// std::string_view in Debian's build of Abseil).
inline void append_part(std::string& out, std::string_view s) { out += s; }
template <typename Int>
requires std::is_integral_v<Int>
void append_part(std::string& out, Int i) { out += std::to_string(i); }
template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (append_part(out, parts), ...);
  return out;
}

std::string join_key(std::string_view prefix, std::string_view key);
// How a value looks in a message: strings quoted, tables and arrays by kind.
std::string show(const toml::node& n);

class ValueReader {
 public:
  ValueReader(std::string file, toml::table& root) : file_(std::move(file)), root_(root) {}

  const std::string& file() const { return file_; }
  toml::table& root() { return root_; }

  // --- where a node came from, and failing there ---------------------------------------------
  // `origin` replaces FILE:LINE in messages about `n` (a --set or a cost file's line).
  void mark_override(const toml::node* n, std::string origin) { overrides_[n] = std::move(origin); }
  std::string where(const toml::node& n) const;
  [[noreturn]] void fail_at(const toml::node& n, std::string_view key, std::string_view what) const;
  [[noreturn]] void fail_file(std::string_view what) const;
  // A rule that ties two keys of table `t` failed: the error names `first` if the table sets
  // it, else `second` (else the table itself).
  [[noreturn]] void fail_at_either(const toml::table& t, std::string_view prefix,
                                   std::string_view first, std::string_view second,
                                   std::string_view what) const;

  // --- reading values; each marks its node as used --------------------------------------------
  const toml::node* take(const toml::table& t, std::string_view key);
  void mark_used(const toml::node* n) { used_.insert(n); }
  const toml::table* take_table(const toml::table& t, std::string_view prefix,
                                std::string_view key);
  // `prefix` names the key in messages ("strategy.fast"); `section` finds its range in the
  // schema ("strategy.sharded_counter"; the same as prefix unless given). `below`, when set,
  // narrows the upper bound to < below (a fault must come before duration_s).
  void number(const toml::table& t, std::string_view prefix, std::string_view key, double& out,
              std::string_view section = {});
  void number_below(const toml::table& t, std::string_view prefix, std::string_view key,
                    double& out, std::string_view section, double below);
  template <typename Int>
  void integer(const toml::table& t, std::string_view prefix, std::string_view key, Int& out,
               std::string_view section = {}) {
    std::int64_t v = 0;
    if (read_integer(t, prefix, key, section, v)) out = static_cast<Int>(v);
  }
  void boolean(const toml::table& t, std::string_view prefix, std::string_view key, bool& out);
  void string(const toml::table& t, std::string_view prefix, std::string_view key,
              std::string& out);
  // A string that must be one of `names`; sets `out` to its index. False if absent.
  bool choice(const toml::table& t, std::string_view prefix, std::string_view key,
              std::initializer_list<std::string_view> names, int& out);
  template <typename Enum>
  void enumeration(const toml::table& t, std::string_view prefix, std::string_view key,
                   std::initializer_list<std::string_view> names, Enum& out) {
    int index = 0;
    if (choice(t, prefix, key, names, index)) out = static_cast<Enum>(index);
  }

  // A table's entries by where they appear: file order, then --set additions by key.
  std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& t) const;

  // The unknown-key sweep (unknown_keys.cpp): fails at the first key, in file order, that no
  // getter took.
  void check_unknown_keys();

 private:
  bool read_integer(const toml::table& t, std::string_view prefix, std::string_view key,
                    std::string_view section, std::int64_t& out);
  void read_number(const toml::table& t, std::string_view prefix, std::string_view key, double& out,
                   std::string_view section, double below);
  std::uint64_t order_of(const toml::node& n) const {
    if (overrides_.contains(&n)) return std::numeric_limits<std::uint64_t>::max();
    return n.source().begin.line;
  }
  void collect_unknown(const toml::table& t, const std::string& prefix);

  std::string file_;
  toml::table& root_;
  absl::flat_hash_set<const toml::node*> used_;
  absl::flat_hash_map<const toml::node*, std::string> overrides_;  // node -> its origin
  struct Unknown {
    std::uint64_t order;
    std::string key;
    const toml::node* node;
  };
  std::vector<Unknown> unknown_;
};

}  // namespace likesim
