// The unknown-key sweep: after every section has been read, any node no getter took is a key
// the loader does not know (a typo, a key of another version); the first in file order is named.
#include <algorithm>

#include "engine/scenario/value_reader.h"

namespace likesim {

void ValueReader::collect_unknown(const toml::table& t, const std::string& prefix) {
  for (auto&& [key, node] : t) {
    const std::string path = join_key(prefix, key.str());
    if (!used_.contains(&node)) {
      std::uint64_t order = order_of(node);
      if (order != std::numeric_limits<std::uint64_t>::max() && key.source().begin.line > 0) {
        order = key.source().begin.line;
      }
      unknown_.push_back({order, path, &node});
      continue;
    }
    if (const toml::table* sub = node.as_table()) collect_unknown(*sub, path);
    if (const toml::array* arr = node.as_array()) {
      for (std::size_t i = 0; i < arr->size(); ++i) {
        if (const toml::table* sub = arr->get(i)->as_table()) {
          collect_unknown(*sub, cat(path, "[", i, "]"));
        }
      }
    }
  }
}

void ValueReader::check_unknown_keys() {
  collect_unknown(root_, "");
  if (unknown_.empty()) return;
  const Unknown& first =
      *std::min_element(unknown_.begin(), unknown_.end(), [](const Unknown& a, const Unknown& b) {
        return a.order != b.order ? a.order < b.order : a.key < b.key;
      });
  std::string location = where(*first.node);
  if (first.order != std::numeric_limits<std::uint64_t>::max()) {
    location = cat(file_, ":", first.order);
  }
  throw LoadError{cat(location, ": unknown key '", first.key, "'")};
}

}  // namespace likesim
