#include <gtest/gtest.h>

#include "tests/unit/workloads/trace_test_support.h"
#include "workloads/csv_trace_reader.h"

namespace likesim {
namespace {

using testing::error_of;
using testing::read_all;

constexpr const char* kHeader = "time_us,op,post,user,request_id,batch,retry\n";

TEST(CsvTrace, RoundTripsEveryFieldExactly) {
  const auto requests = testing::request_mix(5000);
  const std::string text = testing::write_all(requests, TraceFormat::csv);
  EXPECT_EQ(text.substr(0, text.find('\n') + 1), kHeader);
  const auto back = read_all(text, TraceFormat::csv);
  ASSERT_EQ(back.size(), requests.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_TRUE(testing::same(back[i], requests[i])) << "request " << i;
  }
}

TEST(CsvTrace, ReadsColumnsByNameAndTheOptionalOnesMayBeMissing) {
  const auto r =
      read_all("user,post,op,request_id,time_us\r\n7,42,like,1,1000.25\n\n9,3,unlike,2,1000.250\n",
               TraceFormat::csv);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].intended, Time(1'000'250));
  EXPECT_EQ(r[0].user, 7u);
  EXPECT_EQ(r[0].post, 42u);
  EXPECT_EQ(r[1].op, Op::unlike);
  EXPECT_FALSE(r[1].retry);
}

TEST(CsvTrace, TimeFormatsWithThreeDecimals) {
  std::string s;
  CsvTraceReader::format_time_us(1'000'250, s);
  EXPECT_EQ(s, "1000.250");
  std::int64_t ns = 0;
  EXPECT_TRUE(CsvTraceReader::parse_time_us("0.5", ns));
  EXPECT_EQ(ns, 500);
  EXPECT_FALSE(CsvTraceReader::parse_time_us("1.2345", ns));
  EXPECT_FALSE(CsvTraceReader::parse_time_us("-1", ns));
  EXPECT_FALSE(CsvTraceReader::parse_time_us("1.", ns));
  EXPECT_FALSE(CsvTraceReader::parse_time_us("99999999999999999999", ns));
}

TEST(CsvTrace, BadIntegerNamesFileLineAndField) {
  const std::string text = std::string(kHeader) + "1,like,1,1,1,,0\n2,like,x,1,2,,0\n";
  EXPECT_EQ(error_of(text, TraceFormat::csv), "trace.csv:3: post: expected an integer, got \"x\"");
  EXPECT_EQ(error_of(std::string(kHeader) + "1,like,1,4294967296,1,,0\n", TraceFormat::csv),
            "trace.csv:2: user: expected an integer, got \"4294967296\"");
  EXPECT_EQ(error_of(std::string(kHeader) + "1,like,1,-3,1,,0\n", TraceFormat::csv),
            "trace.csv:2: user: expected an integer, got \"-3\"");
}

TEST(CsvTrace, UnknownOpIsNamed) {
  EXPECT_EQ(error_of(std::string(kHeader) + "1,lik,1,1,1,,0\n", TraceFormat::csv),
            "trace.csv:2: op: unknown operation \"lik\" (like, unlike, count, status or "
            "batch_count)");
}

TEST(CsvTrace, MissingColumnIsNamed) {
  EXPECT_EQ(error_of(std::string(kHeader) + "1,like,1\n", TraceFormat::csv),
            "trace.csv:2: user: missing (the line has 3 of the header's 7 columns)");
  EXPECT_EQ(error_of("time_us,op,post,request_id\n1,like,1,1\n", TraceFormat::csv),
            "trace.csv:1: header: missing column user");
  EXPECT_NE(error_of(std::string(kHeader) + "1,like,1,1,1,,0,9\n", TraceFormat::csv)
                .find("trace.csv:2: more than the header's 7 columns"),
            std::string::npos);
}

TEST(CsvTrace, TimeGoingBackwardsIsAnError) {
  const std::string text = std::string(kHeader) + "6,like,1,1,1,,0\n5,like,1,2,2,,0\n";
  EXPECT_EQ(error_of(text, TraceFormat::csv),
            "trace.csv:3: time_us: 5.000 is before the previous line's 6.000 (a trace is in "
            "time order)");
}

TEST(CsvTrace, BatchMustFitTheOp) {
  EXPECT_NE(error_of(std::string(kHeader) + "1,batch_count,1,1,1,,0\n", TraceFormat::csv)
                .find("trace.csv:2: batch: batch_count needs a page size of 1..100"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "1,batch_count,1,1,1,101,0\n", TraceFormat::csv)
                .find("trace.csv:2: batch:"),
            std::string::npos);
  EXPECT_EQ(error_of(std::string(kHeader) + "1,like,1,1,1,3,0\n", TraceFormat::csv),
            "trace.csv:2: batch: only batch_count has a page size, got 3 for like");
  EXPECT_EQ(error_of(std::string(kHeader) + "1,like,1,1,1,,2\n", TraceFormat::csv),
            "trace.csv:2: retry: expected 0 or 1, got \"2\"");
}

TEST(CsvTrace, HeaderAndLineLimits) {
  EXPECT_NE(error_of("", TraceFormat::csv).find("trace.csv: empty"), std::string::npos);
  EXPECT_NE(error_of("relative_time_second,number_of_followers\n0,1\n", TraceFormat::csv)
                .find("--format cascade"),
            std::string::npos);
  // A line without end cannot make the reader buffer without bound.
  EXPECT_EQ(error_of(std::string(kHeader) + std::string(1 << 20, '1'), TraceFormat::csv),
            "trace.csv:2: line longer than 4096 bytes");
}

TEST(CsvTrace, MutatedInputIsReadOrRefusedNeverACrash) {
  RandomStream rng(12, "test.fuzz");
  const std::string valid = testing::write_all(testing::request_mix(100), TraceFormat::csv);
  constexpr char kAlphabet[] = "0123456789.,-\n\rxl_";
  int errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = valid;
    for (int f = 0; f < 3; ++f) {
      text[rng.uniform_int(text.size())] = kAlphabet[rng.uniform_int(sizeof kAlphabet - 1)];
    }
    const std::string e = error_of(text, TraceFormat::csv);
    if (!e.empty()) {
      ++errors;
      EXPECT_TRUE(e.starts_with("trace.csv:")) << e;
      EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    }
  }
  EXPECT_GT(errors, 1000);
}

}  // namespace
}  // namespace likesim
