// RadixCalendar: a monotone priority queue of timed entries for generators that push many
// future events and pop them in time order (HawkesCascades' pending likes).
//
// A radix heap over integer nanoseconds: level-0 slots are 2^slot_bits ns wide; an entry lands
// at the level of the highest 8-bit digit in which its slot number differs from the current
// one, so 256 slots per level cover all of int64 time with no wrap-around and no overflow list.
// When the cursor enters a higher slot its entries move down (each entry moves at most once per
// level); a level-0 slot is sorted when it is opened, and entries pushed into the open slot wait
// in a small heap beside it. So a pop costs O(1) amortised plus a sort of a small slot, and
// every push is an append. A slot is a chain of fixed 512-byte blocks from a free list, not a
// vector: a vector grown from empty copied each entry about once more and called malloc and
// memcpy (5 % of the hawkes generator's instructions), and a drained slot's blocks go straight
// back to the list, warm. Memory is O(most entries pending at once + one block per slot).
// Pops come out by (time, tag), exactly, whatever slot_bits is: it only changes the speed.
//
//   RadixCalendar cal(10);               // 1.024 us slots
//   cal.push({t_ns, tag});               // t_ns >= the last popped time
//   RadixCalendar::Entry e;
//   while (cal.pop(e)) use(e.time, e.tag);
#pragma once

#include <array>
#include <cstdint>
#include <memory>
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
  // Slots and the free list point into the block pool: neither copied nor moved.
  RadixCalendar(const RadixCalendar&) = delete;
  RadixCalendar& operator=(const RadixCalendar&) = delete;

  // Adds an entry; its time must not be before the last popped entry's.
  [[gnu::always_inline]] void push(const Entry& e) {
    const std::uint64_t slot = static_cast<std::uint64_t>(e.time) >> slot_bits_;
    if (slot < open_end_) {
      push_open(e);
      return;
    }
    // The highest bit in which slot and cursor differ picks the level (0 when none differs);
    // unsigned, so the division is a shift.
    const unsigned highest = 63u - static_cast<unsigned>(__builtin_clzll((slot ^ cursor_) | 1));
    const unsigned level = highest / kDigitBits;
    const auto index = static_cast<unsigned>(slot >> (level * kDigitBits)) & (kSlots - 1);
    append(levels_[level], index, e);
    ++size_;
  }

  // The entry with the smallest (time, tag), or false when none is pending.
  bool pop(Entry& out) {
    if (run_pos_ < run_size_ && heap_.empty()) {  // the common case (the run is empty when closed)
      out = run_[run_pos_++];
      --size_;
      return true;
    }
    return pop_slow(out);
  }

  std::size_t size() const { return size_; }
  // Bytes held for entries (blocks, free or not, and the open slot's buffers): what pending
  // entries cost.
  std::size_t memory_bytes() const;

 private:
  static constexpr int kBlockEntries = 31;
  // A level-0 slot is bucketed by up to this many of its time bits before its insertion sort.
  static constexpr int kSortBits = 8;
  struct alignas(64) Block {  // 31 entries and the link: 504 bytes, 512 with the alignment
    Entry entries[kBlockEntries];
    Block* next;
  };
  // A slot's entries in push order: full blocks from head, then tail_used entries of tail.
  // An empty slot has no blocks and tail_used = kBlockEntries, so its first push appends one.
  struct Slot {
    Block* head = nullptr;
    Block* tail = nullptr;
    std::uint32_t tail_used = kBlockEntries;
  };
  struct Level {
    std::uint64_t occupied[kWords] = {};
    std::array<Slot, kSlots> slots;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.tag < b.tag);
  }
  [[gnu::always_inline]] void append(Level& l, unsigned index, const Entry& e) {
    Slot& s = l.slots[index];
    if (s.tail_used == kBlockEntries) append_block(s);
    // Field by field: the whole-struct copy was a 16-byte load of the two 8-byte stores that
    // had just made e, a load that store forwarding cannot serve.
    Entry& slot_entry = s.tail->entries[s.tail_used++];
    slot_entry.time = e.time;
    slot_entry.tag = e.tag;
    l.occupied[index >> 6] |= std::uint64_t{1} << (index & 63);
  }
  void push_open(const Entry& e);
  void append_block(Slot& s);
  // Calls f on each entry of a slot, in push order.
  template <typename F>
  static void for_each(const Slot& s, F&& f);
  // Returns a slot's blocks to the free list and empties it.
  void release(Slot& s);
  // Pushes a higher slot's entries again (they land on lower levels) and empties it. From
  // level 1 every entry lands on level 0, at the slot its time names: no level to find.
  template <bool kFromLevel1>
  void move_down(Slot& s);
  // Fills run_ with a level-0 slot's entries in (time, tag) order and empties the slot.
  void sort_into_run(Slot& s);
  bool pop_slow(Entry& out);
  // Moves the cursor to the next occupied level-0 slot and opens it; false when empty.
  bool open_next();

  int slot_bits_;
  int levels_used_;
  std::vector<Level> levels_;
  std::uint64_t cursor_ = 0;  // the current level-0 slot number
  // While run_ + heap_ hold the cursor's slot (it is open): cursor_ + 1, so a push below it
  // joins that slot. 0 when none is open.
  std::uint64_t open_end_ = 0;
  // The open slot, sorted: run_[run_pos_, run_size_). run_ only grows (resizing it to each
  // slot zeroed it first).
  std::vector<Entry> run_;
  std::size_t run_size_ = 0;
  std::size_t run_pos_ = 0;
  std::vector<Entry> heap_;  // pushed into the open slot after it was sorted (a min-heap)
  std::size_t size_ = 0;
  Block* free_blocks_ = nullptr;  // linked through next
  std::vector<std::unique_ptr<Block[]>> block_chunks_;
  std::size_t blocks_allocated_ = 0;
};

}  // namespace likesim
