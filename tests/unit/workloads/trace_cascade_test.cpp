#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/source_paths.h"
#include "tests/unit/workloads/trace_test_support.h"
#include "workloads/cascade_trace_reader.h"

namespace likesim {
namespace {

using testing::error_of;
using testing::read_all;

const std::string kData = source_dir() + "/../shared/data/";

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CascadeTrace, OneLikePerRowAfterTheRootThenItsReads) {
  CascadeOptions o;
  o.compress = 10;
  o.first_post = 500;
  o.reads_per_like = 1;
  const auto r = read_all("relative_time_second,number_of_followers\n0,2290\n10,5\n25,7\n",
                          TraceFormat::cascade, o, "c.csv");
  ASSERT_EQ(r.size(), 4u);  // two likes, each with one count read
  EXPECT_EQ(r[0].op, Op::like);
  EXPECT_EQ(r[0].intended, Time(1'000'000'000));  // 10 s / 10
  EXPECT_EQ(r[1].op, Op::count);
  EXPECT_EQ(r[1].intended, r[0].intended);
  EXPECT_EQ(r[2].intended, Time(2'500'000'000));
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].post, 500u);
    EXPECT_EQ(r[i].id, i + 1);
  }
  EXPECT_NE(r[0].user, r[2].user);
}

TEST(CascadeTrace, RizoiuColumnsAndNoReads) {
  CascadeOptions o;
  o.reads_per_like = 0;
  const auto r = read_all(",magnitude,time\n1,40989,0\n2,1445,21\n3,563,31.5\n",
                          TraceFormat::cascade, o, "c.csv");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].intended, Time(31'500'000'000));
}

TEST(CascadeTrace, ReplicasAreDistinctPostsAndUsersInTimeOrder) {
  const std::string path = kData + "rizoiu_example_book_cascade.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  CascadeOptions o;
  o.compress = 100;
  o.replicate = 20;
  o.jitter_s = 5;
  o.reads_per_like = 0.5;
  o.first_post = 1000;
  o.users = 1'000'000;
  const auto r = read_all(file_text(path), TraceFormat::cascade, o, "rizoiu.csv");
  std::set<PostId> posts;
  std::set<std::uint64_t> likes;
  std::size_t like_count = 0, reads = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(r[i - 1].intended, r[i].intended) << i;
    }
    EXPECT_EQ(r[i].id, i + 1);
    if (r[i].op == Op::like) {
      ++like_count;
      posts.insert(r[i].post);
      EXPECT_TRUE(likes.insert(pack_like(0, r[i].user)).second) << "user liked twice";
    } else {
      ++reads;
    }
  }
  EXPECT_EQ(like_count, 218u * 20);  // 219 rows, the root is the post itself
  EXPECT_EQ(posts.size(), 20u);
  EXPECT_EQ(*posts.begin(), 1000u);
  EXPECT_NEAR(static_cast<double>(reads), 0.5 * static_cast<double>(like_count), 150);
  // The last like: 241,072 s / 100 plus at most 5 s of jitter.
  EXPECT_LE(r.back().intended, Time(2'415'720'000'000));
  // Deterministic per seed.
  const auto again = read_all(file_text(path), TraceFormat::cascade, o, "rizoiu.csv");
  ASSERT_EQ(again.size(), r.size());
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_TRUE(testing::same(r[i], again[i]));
}

TEST(CascadeTrace, TheSeismicFileReadsWhole) {
  const std::string path = kData + "seismic_tweet_127001313513967616.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  CascadeOptions o;
  o.reads_per_like = 0;
  const auto r = read_all(file_text(path), TraceFormat::cascade, o, "seismic.csv");
  EXPECT_EQ(r.size(), 15562u);
  EXPECT_EQ(r.back().intended, Time(std::int64_t{604257} * 1'000'000'000));
}

TEST(CascadeTrace, BadRowsNameFileLineAndColumn) {
  const std::string h = "relative_time_second,number_of_followers\n";
  EXPECT_EQ(error_of(h + "0,1\n5,1\n3,1\n", TraceFormat::cascade, "c.csv"),
            "c.csv:4: relative_time_second: goes backwards (3 s after 5 s; a cascade is in time "
            "order)");
  EXPECT_EQ(error_of(h + "0,1\nx,1\n", TraceFormat::cascade, "c.csv"),
            "c.csv:3: relative_time_second: expected seconds >= 0, got \"x\"");
  EXPECT_EQ(error_of(h + "0,1\nnan,1\n", TraceFormat::cascade, "c.csv"),
            "c.csv:3: relative_time_second: expected seconds >= 0, got \"nan\"");
  EXPECT_EQ(error_of(h + "0,1\n4\n", TraceFormat::cascade, "c.csv"),
            "c.csv:3: expected 2 columns like the header");
  EXPECT_NE(error_of("a,b\n0,1\n", TraceFormat::cascade, "c.csv").find("c.csv:1: header: no time"),
            std::string::npos);
  EXPECT_NE(error_of("", TraceFormat::cascade, "c.csv").find("c.csv: empty"), std::string::npos);
  CascadeOptions o;
  o.first_post = 4294967295u;
  o.replicate = 2;
  EXPECT_NE(error_of(h + "0,1\n", TraceFormat::cascade, "c.csv", o).find("go past post"),
            std::string::npos);
}

TEST(CascadeTrace, MutatedInputIsReadOrRefusedNeverACrash) {
  RandomStream rng(13, "test.fuzz");
  std::string valid = "relative_time_second,number_of_followers\n";
  for (int i = 0; i < 200; ++i) valid += std::to_string(i * 7) + "," + std::to_string(i) + "\n";
  constexpr char kAlphabet[] = "0123456789.,-e\n\rx";
  CascadeOptions o;
  o.replicate = 3;
  int errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = valid;
    for (int f = 0; f < 3; ++f) {
      text[rng.uniform_int(text.size())] = kAlphabet[rng.uniform_int(sizeof kAlphabet - 1)];
    }
    const std::string e = error_of(text, TraceFormat::cascade, "c.csv", o);
    if (!e.empty()) {
      ++errors;
      EXPECT_TRUE(e.starts_with("c.csv:")) << e;
    }
  }
  EXPECT_GT(errors, 500);
}

TEST(CascadeTrace, HeaderDetection) {
  EXPECT_TRUE(CascadeTraceReader::is_cascade_header("relative_time_second,number_of_followers"));
  EXPECT_TRUE(CascadeTraceReader::is_cascade_header(",magnitude,time"));
  EXPECT_FALSE(CascadeTraceReader::is_cascade_header("time_us,op,post,user,request_id"));
}

}  // namespace
}  // namespace likesim
