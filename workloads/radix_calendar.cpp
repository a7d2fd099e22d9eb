#include "workloads/radix_calendar.h"

#include <algorithm>

namespace likesim {

namespace {

// Lambdas, not functions: std::sort and the heap calls inline a lambda's body; a function
// passed by pointer stayed an out-of-line call per comparison.
constexpr auto after = [](const RadixCalendar::Entry& a, const RadixCalendar::Entry& b) {
  return a.time > b.time || (a.time == b.time && a.tag > b.tag);
};

}  // namespace

RadixCalendar::RadixCalendar(int slot_bits) : slot_bits_(std::clamp(slot_bits, 0, 40)) {
  // Slot numbers have 63 - slot_bits significant bits; one level per 6-bit digit.
  levels_used_ = (63 - slot_bits_ + kDigitBits - 1) / kDigitBits;
  levels_.resize(static_cast<std::size_t>(levels_used_));
}

void RadixCalendar::push_open(const Entry& e) {
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(), after);
  ++size_;
}

bool RadixCalendar::pop_slow(Entry& out) {
  for (;;) {
    if (open_) {
      const bool run_left = run_pos_ < run_.size();
      if (run_left && (heap_.empty() || !before(heap_.front(), run_[run_pos_]))) {
        out = run_[run_pos_++];
        --size_;
        return true;
      }
      if (!heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end(), after);
        out = heap_.back();
        heap_.pop_back();
        --size_;
        return true;
      }
      open_ = false;
      run_.clear();
      run_pos_ = 0;
    }
    if (!open_next()) return false;
  }
}

bool RadixCalendar::open_next() {
  for (;;) {
    int level = 0;
    int index = -1;
    for (; level < levels_used_ && index < 0; ++level) {
      // The first occupied slot at or after the cursor's position on this level (the slots
      // before it are in the past, and the one at it was emptied when the cursor entered it).
      const int position = static_cast<int>((cursor_ >> (level * kDigitBits)) & (kSlots - 1));
      const std::uint64_t* occupied = levels_[level].occupied;
      int word = position >> 6;
      std::uint64_t mask = occupied[word] & (~std::uint64_t{0} << (position & 63));
      while (mask == 0 && ++word < kWords) mask = occupied[word];
      if (mask != 0) index = word * 64 + __builtin_ctzll(mask);
    }
    if (index < 0) return false;
    --level;
    Level& l = levels_[level];
    l.occupied[index >> 6] &= ~(std::uint64_t{1} << (index & 63));
    if (level == 0) {
      cursor_ = (cursor_ & ~std::uint64_t{kSlots - 1}) | static_cast<std::uint64_t>(index);
      run_.swap(l.slots[index]);
      std::sort(run_.begin(), run_.end(),
                [](const Entry& a, const Entry& b) { return before(a, b); });
      run_pos_ = 0;
      open_ = true;
      return true;
    }
    // Enter that higher slot: the cursor goes to its first level-0 slot and its entries move
    // down to the levels they now belong to. The slot's buffer goes with them (and is freed),
    // so a slot that once held many entries does not keep their memory.
    const int shift = (level + 1) * kDigitBits;
    const std::uint64_t high = shift >= 64 ? 0 : (cursor_ >> shift) << shift;
    cursor_ = high | (static_cast<std::uint64_t>(index) << (level * kDigitBits));
    std::vector<Entry> moving = std::move(l.slots[index]);
    l.slots[index] = std::vector<Entry>();
    size_ -= moving.size();
    for (const Entry& e : moving) push(e);
  }
}

std::size_t RadixCalendar::memory_bytes() const {
  std::size_t n = run_.capacity() + heap_.capacity();
  for (const Level& l : levels_) {
    for (const auto& s : l.slots) n += s.capacity();
  }
  return n * sizeof(Entry) + levels_.size() * sizeof(Level);
}

}  // namespace likesim
