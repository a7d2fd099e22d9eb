#include "workloads/radix_calendar.h"

#include <algorithm>
#include <bit>

namespace likesim {

namespace {

// Lambdas, not functions: std::sort and the heap calls inline a lambda's body; a function
// passed by pointer stayed an out-of-line call per comparison.
constexpr auto after = [](const RadixCalendar::Entry& a, const RadixCalendar::Entry& b) {
  return a.time > b.time || (a.time == b.time && a.tag > b.tag);
};

}  // namespace

RadixCalendar::RadixCalendar(int slot_bits) : slot_bits_(std::clamp(slot_bits, 0, 40)) {
  // Slot numbers have 63 - slot_bits significant bits; one level per 8-bit digit.
  levels_used_ = (63 - slot_bits_ + kDigitBits - 1) / kDigitBits;
  levels_.resize(static_cast<std::size_t>(levels_used_));
}

void RadixCalendar::append_block(Slot& s) {
  if (free_blocks_ == nullptr) {
    // Chunks double up to 64 blocks (32 KB): few allocations, little unused at small sizes.
    const std::size_t n = std::clamp<std::size_t>(blocks_allocated_, 4, 64);
    block_chunks_.push_back(std::make_unique<Block[]>(n));
    blocks_allocated_ += n;
    for (std::size_t i = 0; i < n; ++i) {
      block_chunks_.back()[i].next = free_blocks_;
      free_blocks_ = &block_chunks_.back()[i];
    }
  }
  Block* b = free_blocks_;
  free_blocks_ = b->next;
  b->next = nullptr;
  if (s.tail != nullptr) {
    s.tail->next = b;
  } else {
    s.head = b;
  }
  s.tail = b;
  s.tail_used = 0;
}

template <typename F>
void RadixCalendar::for_each(const Slot& s, F&& f) {
  for (const Block* b = s.head; b != nullptr; b = b->next) {
    const int used = b == s.tail ? static_cast<int>(s.tail_used) : kBlockEntries;
    for (int i = 0; i < used; ++i) f(b->entries[i]);
  }
}

// Each block goes back to the free list as soon as its entries are pushed, so the pushes that
// follow take it again while it is warm.
template <bool kFromLevel1>
void RadixCalendar::move_down(Slot& s) {
  const Slot moving = s;
  s = Slot{};
  for (Block* b = moving.head; b != nullptr;) {
    const int used = b == moving.tail ? static_cast<int>(moving.tail_used) : kBlockEntries;
    if constexpr (kFromLevel1) {
      for (int i = 0; i < used; ++i) {
        const Entry& e = b->entries[i];
        const auto slot = static_cast<std::uint64_t>(e.time) >> slot_bits_;
        append(levels_[0], static_cast<unsigned>(slot) & (kSlots - 1), e);
      }
    } else {
      size_ -= static_cast<std::size_t>(used);  // push counts them again
      for (int i = 0; i < used; ++i) push(b->entries[i]);
    }
    Block* next = b->next;
    b->next = free_blocks_;
    free_blocks_ = b;
    b = next;
  }
}

void RadixCalendar::release(Slot& s) {
  if (s.head != nullptr) {
    s.tail->next = free_blocks_;
    free_blocks_ = s.head;
  }
  s = Slot{};
}

// A counting sort on the slot's top time bits (about one entry per bucket), then an insertion
// sort that finds the few neighbours out of order. std::sort's comparisons on the random order
// mispredicted about once per entry, which was a fifth of the hawkes generator's time.
void RadixCalendar::sort_into_run(Slot& s) {
  std::size_t n = s.tail_used;
  for (const Block* b = s.head; b != s.tail; b = b->next) n += kBlockEntries;
  const int bits = std::min({slot_bits_, kSortBits, static_cast<int>(std::bit_width(n))});
  const int shift = slot_bits_ - bits;
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  const auto bucket = [&](const Entry& e) {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(e.time) >> shift) & mask);
  };
  std::array<std::uint32_t, (1 << kSortBits) + 1> start;
  std::fill_n(start.begin(), (1 << bits) + 1, 0);
  if (run_.size() < n) run_.resize(n);
  run_size_ = n;
  Entry* run = run_.data();
  for_each(s, [&](const Entry& e) { ++start[bucket(e) + 1]; });
  for (int i = 1; i <= (1 << bits); ++i) start[i] += start[i - 1];
  for_each(s, [&](const Entry& e) { run[start[bucket(e)]++] = e; });
  release(s);
  for (std::size_t i = 1; i < n; ++i) {
    if (!before(run[i], run[i - 1])) continue;
    const Entry e = run[i];
    std::size_t j = i;
    do {
      run[j] = run[j - 1];
      --j;
    } while (j > 0 && before(e, run[j - 1]));
    run[j] = e;
  }
}

void RadixCalendar::push_open(const Entry& e) {
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(), after);
  ++size_;
}

bool RadixCalendar::pop_slow(Entry& out) {
  for (;;) {
    if (open_end_ != 0) {
      const bool run_left = run_pos_ < run_size_;
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
      open_end_ = 0;
      run_size_ = 0;
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
      sort_into_run(l.slots[index]);
      run_pos_ = 0;
      open_end_ = cursor_ + 1;
      return true;
    }
    // Enter that higher slot: the cursor goes to its first level-0 slot and its entries move
    // down to the levels they now belong to (never back into this slot, which the cursor is
    // in, so its blocks stay whole until they are released).
    const int shift = (level + 1) * kDigitBits;
    const std::uint64_t high = shift >= 64 ? 0 : (cursor_ >> shift) << shift;
    cursor_ = high | (static_cast<std::uint64_t>(index) << (level * kDigitBits));
    if (level == 1) {
      move_down<true>(l.slots[index]);
    } else {
      move_down<false>(l.slots[index]);
    }
  }
}

std::size_t RadixCalendar::memory_bytes() const {
  return (run_.capacity() + heap_.capacity()) * sizeof(Entry) + blocks_allocated_ * sizeof(Block) +
         levels_.size() * sizeof(Level);
}

}  // namespace likesim
