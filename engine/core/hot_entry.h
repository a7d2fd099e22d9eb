// HotEntry: remembers the entry of a hash map that was looked up last, for maps that the hot
// path asks about the same key again and again (the one post of mm1 or of the celebrity: a
// hash lookup is ~20 instructions, several a request).
//
// It holds a pointer into the map, so the owner must clear() it (or set() it again) whenever
// the map may have moved its entries: on every insert of a new key (a rehash) and every
// erase. A copy starts empty: it would point into the original's map.
//
//   HotEntry<PostId, Truth> last_;
//   Truth& find_or_add(PostId p) {
//     if (Truth* t = last_.get(p)) return *t;
//     Truth& t = map_[p];      // may rehash: last_ is set again just below
//     last_.set(p, &t);
//     return t;
//   }
#pragma once

namespace likesim {

template <class Key, class Value>
class HotEntry {
 public:
  HotEntry() = default;
  HotEntry(const HotEntry&) {}
  HotEntry& operator=(const HotEntry&) {
    clear();
    return *this;
  }

  Value* get(const Key& key) const { return value_ != nullptr && key_ == key ? value_ : nullptr; }
  void set(const Key& key, Value* value) {
    key_ = key;
    value_ = value;
  }
  void clear() { value_ = nullptr; }

 private:
  Key key_{};
  Value* value_ = nullptr;
};

}  // namespace likesim
