#include "engine/core/huge_pages.h"

#include <gtest/gtest.h>

namespace likesim {
namespace {

TEST(HugePages, AddsGlibcsTunableUnlessItIsSetAlready) {
  EXPECT_EQ(tunables_with_huge_pages(nullptr), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_huge_pages(""), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.check=3"),
            "glibc.malloc.check=3:glibc.malloc.hugetlb=1");
  // Another tunable whose name only starts like it is not it.
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.hugetlbx=1"),
            "glibc.malloc.hugetlbx=1:glibc.malloc.hugetlb=1");
  // Set already, by the re-executed process or by the user (to anything): left alone.
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.hugetlb=1"), std::nullopt);
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.hugetlb=0"), std::nullopt);
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.check=3:glibc.malloc.hugetlb=2:x.y=1"),
            std::nullopt);
  EXPECT_TRUE(huge_pages_requested("glibc.malloc.hugetlb=1"));
  EXPECT_TRUE(huge_pages_requested("a.b=1:glibc.malloc.hugetlb=2"));
  EXPECT_FALSE(huge_pages_requested("glibc.malloc.hugetlb=0"));
  EXPECT_FALSE(huge_pages_requested("glibc.malloc.hugetlbx=1"));
  EXPECT_FALSE(huge_pages_requested(nullptr));
}

}  // namespace
}  // namespace likesim
