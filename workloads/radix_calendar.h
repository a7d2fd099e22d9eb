// RadixCalendar: a monotone priority queue of timed entries for generators that push many
// future events and pop them in time order (HawkesCascades' pending likes).
//
// A radix heap over integer nanoseconds: level-0 slots are 2^slot_bits ns wide; an entry lands
// at the level of the highest 8-bit digit in which its slot number differs from the current
// one, so 256 slots per level cover all of int64 time with no wrap-around and no overflow list.
// When the cursor enters a higher slot its entries move down (each entry moves at most once per
// level); a level-0 slot is sorted when it is opened, and entries pushed into the open slot wait
// in a small heap beside it. So a pop costs O(1) amortised plus a sort of a small slot, every
// push is an append, and memory is O(pending entries): nothing is kept once popped.
// Pops come out by (time, tag), exactly, whatever slot_bits is: it only changes the speed.
//
//   RadixCalendar cal(10);               // 1.024 us slots
//   cal.push({t_ns, tag});               // t_ns >= the last popped time
//   RadixCalendar::Entry e;
//   while (cal.pop(e)) use(e.time, e.tag);
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace likesim {

class RadixCalendar {
 public:
  struct Entry {
    std::int64_t time;  // ns, >= 0
    std::uint64_t tag;  // the caller's payload; breaks ties in time
  };
  static constexpr int kDigitBits = 8;
  static constexpr int kSlots = 1 << kDigitBits;
  static constexpr int kWords = kSlots / 64;  // of the occupancy bitmap

  explicit RadixCalendar(int slot_bits);

  // Adds an entry; its time must not be before the last popped entry's.
  [[gnu::always_inline]] void push(const Entry& e) {
    const std::uint64_t slot = static_cast<std::uint64_t>(e.time) >> slot_bits_;
    if (open_ && slot <= cursor_) {
      push_open(e);
      return;
    }
    const std::uint64_t diff = slot ^ cursor_;
    const int level = diff == 0 ? 0 : (63 - __builtin_clzll(diff)) / kDigitBits;
    const int index = static_cast<int>((slot >> (level * kDigitBits)) & (kSlots - 1));
    levels_[level].slots[index].push_back(e);
    levels_[level].occupied[index >> 6] |= std::uint64_t{1} << (index & 63);
    ++size_;
  }

  // The entry with the smallest (time, tag), or false when none is pending.
  bool pop(Entry& out) {
    if (open_ && run_pos_ < run_.size() && heap_.empty()) {  // the common case
      out = run_[run_pos_++];
      --size_;
      return true;
    }
    return pop_slow(out);
  }

  std::size_t size() const { return size_; }
  // Bytes held by the slot vectors (capacity, not just size): what pending entries cost.
  std::size_t memory_bytes() const;

 private:
  struct Level {
    std::uint64_t occupied[kWords] = {};
    std::array<std::vector<Entry>, kSlots> slots;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.tag < b.tag);
  }
  void push_open(const Entry& e);
  bool pop_slow(Entry& out);
  // Moves the cursor to the next occupied level-0 slot and opens it; false when empty.
  bool open_next();

  int slot_bits_;
  int levels_used_;
  std::vector<Level> levels_;
  std::uint64_t cursor_ = 0;  // the current level-0 slot number
  bool open_ = false;         // run_ + heap_ hold the cursor's slot
  std::vector<Entry> run_;    // the open slot, sorted
  std::size_t run_pos_ = 0;
  std::vector<Entry> heap_;  // pushed into the open slot after it was sorted (a min-heap)
  std::size_t size_ = 0;
};

}  // namespace likesim
