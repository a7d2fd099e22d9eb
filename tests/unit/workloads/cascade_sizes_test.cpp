#include "workloads/cascade_sizes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/source_paths.h"

namespace likesim {
namespace {

std::string error_of(std::string_view text) {
  const absl::StatusOr<CascadeSizes> s = CascadeSizes::parse(text, "sizes.csv", 1);
  return s.ok() ? "ok" : std::string(s.status().message());
}

TEST(CascadeSizes, ParsesRowsAndDrawsThemUniformlyTimesTheScale) {
  absl::StatusOr<CascadeSizes> s = CascadeSizes::parse("cascade_id,size\n1,10\n2,30\r\n", "x", 2);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rows(), 2u);
  EXPECT_DOUBLE_EQ(s->mean(), 40);
  RandomStream rng(1, "test.sizes");
  int twenties = 0;
  for (int i = 0; i < 10000; ++i) {
    const double v = s->sample(rng);
    ASSERT_TRUE(v == 20 || v == 60) << v;
    twenties += v == 20;
  }
  EXPECT_NEAR(twenties, 5000, 200);
}

TEST(CascadeSizes, BadFilesGetOneLineNamingFileLineAndField) {
  EXPECT_EQ(error_of("cascade_id,size\n1,63\n2,x\n"),
            "sizes.csv:3: size: expected a positive integer, got \"x\"");
  EXPECT_EQ(error_of("cascade_id,size\n1,0\n"),
            "sizes.csv:2: size: expected a positive integer, got \"0\"");
  EXPECT_EQ(error_of("cascade_id,size\n1,-5\n"),
            "sizes.csv:2: size: expected a positive integer, got \"-5\"");
  EXPECT_EQ(error_of("cascade_id,size\nabc,5\n"),
            "sizes.csv:2: cascade_id: expected an integer, got \"abc\"");
  EXPECT_EQ(error_of("cascade_id,size\n1,5\n\n7\n"),
            "sizes.csv:4: row: expected 2 fields (cascade_id,size), got \"7\"");
  EXPECT_EQ(error_of("cascade_id,size\n1,5,6\n"),
            "sizes.csv:2: row: expected 2 fields (cascade_id,size), got \"1,5,6\"");
  EXPECT_EQ(error_of("id,count\n1,5\n"),
            "sizes.csv:1: header: expected \"cascade_id,size\", got \"id,count\"");
  EXPECT_EQ(error_of(""), "sizes.csv:1: header: expected \"cascade_id,size\", got an empty file");
  EXPECT_EQ(error_of("cascade_id,size\n"), "sizes.csv:1: size: no cascades in the file");
  const absl::StatusOr<CascadeSizes> missing = CascadeSizes::from_file("/nonexistent/s.csv", 1);
  EXPECT_EQ(missing.status().message(), "/nonexistent/s.csv: cannot open the cascade sizes file");
}

TEST(CascadeSizes, ReadsTheNewsCascadeSizesOfTheDataFolder) {
  const std::string path = source_dir() + "/../shared/data/news_cascade_sizes.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  absl::StatusOr<CascadeSizes> s = CascadeSizes::from_file(path, 1);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rows(), 20093u);                     // the data README's count
  EXPECT_NEAR(s->mean(), 3252549.0 / 20093, 1e-9);  // and its total
}

TEST(CascadeSizes, PowerLawHasItsTruncatedParetoMeanAndRange) {
  const CascadeSizes s = CascadeSizes::power_law(1.5, 50, 1e5, 1);
  RandomStream rng(3, "test.sizes");
  double sum = 0, lo = 1e300, hi = 0;
  constexpr int kDraws = 2000000;
  for (int i = 0; i < kDraws; ++i) {
    const double v = s.sample(rng);
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_GE(lo, 50);
  EXPECT_LE(hi, 1e5);
  EXPECT_NEAR(sum / kDraws, s.mean(), 0.02 * s.mean());
  EXPECT_NEAR(s.mean(), 3 * 50 * (1 - std::pow(50 / 1e5, 0.5)) / (1 - std::pow(50 / 1e5, 1.5)),
              1e-9);
  EXPECT_DOUBLE_EQ(CascadeSizes::power_law(1.5, 80, 80, 2).mean(), 160);
}

}  // namespace
}  // namespace likesim
