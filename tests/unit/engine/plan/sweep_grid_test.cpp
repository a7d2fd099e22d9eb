#include "engine/plan/sweep_grid.h"

#include <gtest/gtest.h>

namespace likesim {
namespace {

using Strings = std::vector<std::string>;

std::vector<std::string> values(const std::string& text) {
  absl::StatusOr<VaryAxis> a = parse_vary(text);
  EXPECT_TRUE(a.ok()) << a.status();
  return a.ok() ? a->values : std::vector<std::string>{};
}

std::string error(const std::string& text) {
  absl::StatusOr<VaryAxis> a = parse_vary(text);
  return a.ok() ? "" : std::string(a.status().message());
}

TEST(SweepGrid, ListsRangesAndSteps) {
  EXPECT_EQ(values("a.b=1,2,4"), (Strings{"1", "2", "4"}));
  EXPECT_EQ(values("a.b=3..6"), (Strings{"3", "4", "5", "6"}));
  EXPECT_EQ(values("a.b=1..64*2"), (Strings{"1", "2", "4", "8", "16", "32", "64"}));
  EXPECT_EQ(values("a.b=1..50*2"), (Strings{"1", "2", "4", "8", "16", "32"}));
  EXPECT_EQ(values("a.b=0..100+25"), (Strings{"0", "25", "50", "75", "100"}));
  EXPECT_EQ(values("a.b=1..2, 16 ,0.5"), (Strings{"1", "2", "16", "0.5"}));
  EXPECT_EQ(values("a.b=\"x,y\",'z'"), (Strings{"\"x,y\"", "'z'"}));
  EXPECT_EQ(values("a.b=\"1..3\""), (Strings{"\"1..3\""}));  // a string, not a range
  EXPECT_EQ(parse_vary("strategy.s.shards=1").value().key, "strategy.s.shards");
}

TEST(SweepGrid, BadValuesSayWhatIsWrong) {
  EXPECT_NE(error("shards").find("expected KEY=VALUES"), std::string::npos);
  EXPECT_NE(error("=1,2").find("expected KEY=VALUES"), std::string::npos);
  EXPECT_NE(error("a=1,,2").find("an empty value"), std::string::npos);
  EXPECT_NE(error("a=8..1").find("ends below its start"), std::string::npos);
  EXPECT_NE(error("a=1..x").find("not an integer range"), std::string::npos);
  EXPECT_NE(error("a=1..8*1").find("*step"), std::string::npos);
  EXPECT_NE(error("a=0..8*2").find("*step"), std::string::npos);  // 0 never grows
  EXPECT_NE(error("a=1..8+0").find("step after +"), std::string::npos);
  EXPECT_NE(error("a=1..100000000").find("too many values"), std::string::npos);
}

TEST(SweepGrid, TheFirstAxisIsTheOuterLoopAndRunsAreNumbered) {
  const std::vector<GridPoint> g = grid({{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}});
  ASSERT_EQ(g.size(), 6u);
  EXPECT_EQ(g[0].run, 0u);
  EXPECT_EQ(g[0].overrides(), (Strings{"a=1", "b=x"}));
  EXPECT_EQ(g[2].overrides(), (Strings{"a=1", "b=z"}));
  EXPECT_EQ(g[3].overrides(), (Strings{"a=2", "b=x"}));
  EXPECT_EQ(g[5].run, 5u);
}

TEST(SweepGrid, AxesAreCheckedTogether) {
  EXPECT_TRUE(check_axes({{"a", {"1"}}, {"b", {"2"}}}).ok());
  EXPECT_FALSE(check_axes({{"a", {"1"}}, {"a", {"2"}}}).ok());
  std::vector<std::string> many(1000, "1");
  EXPECT_FALSE(check_axes({{"a", many}, {"b", many}}).ok());  // a million runs
}

TEST(SweepGrid, SlicesPartitionTheRuns) {
  const Slice s = parse_slice("2/3").value();
  EXPECT_EQ(s.k, 2u);
  EXPECT_EQ(s.n, 3u);
  std::vector<int> in_slice(3, 0);
  for (std::size_t run = 0; run < 10; ++run) {
    int owners = 0;
    for (std::size_t k = 1; k <= 3; ++k) owners += Slice{k, 3}.contains(run);
    EXPECT_EQ(owners, 1) << run;  // every run in exactly one slice
  }
  EXPECT_TRUE(s.contains(1));
  EXPECT_TRUE(s.contains(4));
  EXPECT_FALSE(s.contains(0));
  for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3"}) {
    EXPECT_FALSE(parse_slice(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace likesim
