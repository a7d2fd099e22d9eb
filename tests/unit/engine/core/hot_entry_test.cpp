#include "engine/core/hot_entry.h"

#include <gtest/gtest.h>

namespace likesim {
namespace {

TEST(HotEntry, GivesTheEntrySetForItsKeyOnlyUntilClearedAndACopyStartsEmpty) {
  int a = 1, b = 2;
  HotEntry<int, int> h;
  EXPECT_EQ(h.get(0), nullptr);  // empty, even for the default key
  h.set(7, &a);
  EXPECT_EQ(h.get(7), &a);
  EXPECT_EQ(h.get(8), nullptr);
  h.set(8, &b);
  EXPECT_EQ(h.get(7), nullptr);
  EXPECT_EQ(h.get(8), &b);
  const HotEntry<int, int> copy = h;
  EXPECT_EQ(copy.get(8), nullptr);
  HotEntry<int, int> assigned;
  assigned.set(8, &a);
  assigned = h;
  EXPECT_EQ(assigned.get(8), nullptr);
  h.clear();
  EXPECT_EQ(h.get(8), nullptr);
}

}  // namespace
}  // namespace likesim
