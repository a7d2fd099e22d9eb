#include <gtest/gtest.h>

#include "tests/unit/workloads/trace_test_support.h"
#include "workloads/trace_format.h"

namespace likesim {
namespace {

using testing::error_of;
using testing::read_all;

std::string header(std::uint32_t version = trace_format::kBinaryTraceVersion) {
  std::string h(trace_format::kBinaryMagic, sizeof trace_format::kBinaryMagic);
  for (int i = 0; i < 4; ++i) h += static_cast<char>(version >> (8 * i));
  return h;
}

std::string trailer(std::uint64_t count) {
  std::string t(1, static_cast<char>(trace_format::kTrailerTag));
  std::uint8_t buf[10];
  t.append(reinterpret_cast<char*>(buf),
           static_cast<std::size_t>(trace_format::put_varint(buf, count) - buf));
  return t + std::string(trace_format::kTrailerMagic, 4);
}

TEST(BinaryTrace, RoundTripsEveryFieldExactly) {
  const auto requests = testing::request_mix(20000);
  const std::string bytes = testing::write_all(requests, TraceFormat::binary);
  const auto back = read_all(bytes, TraceFormat::binary, {}, "t.bin");
  ASSERT_EQ(back.size(), requests.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_TRUE(testing::same(back[i], requests[i])) << "request " << i;
  }
  // Deltas and varints: a few bytes a request.
  EXPECT_LT(bytes.size(), requests.size() * 16);
}

TEST(BinaryTrace, AnEmptyTraceIsHeaderAndTrailer) {
  EXPECT_EQ(testing::write_all({}, TraceFormat::binary), header() + trailer(0));
  EXPECT_TRUE(read_all(header() + trailer(0), TraceFormat::binary, {}, "t.bin").empty());
}

TEST(BinaryTrace, BadMagicAndWrongVersion) {
  EXPECT_EQ(error_of("time_us,op\n", TraceFormat::binary, "t.bin"),
            "t.bin: not a likesim binary trace (bad magic; expected \"LIKETRCE\")");
  EXPECT_EQ(error_of("", TraceFormat::binary, "t.bin"),
            "t.bin: not a likesim binary trace (bad magic; expected \"LIKETRCE\")");
  EXPECT_EQ(error_of(header(7) + trailer(0), TraceFormat::binary, "t.bin"),
            "t.bin: binary trace version 7; this likesim reads version 1");
  EXPECT_EQ(error_of(header().substr(0, 10), TraceFormat::binary, "t.bin"),
            "t.bin: truncated in the header");
}

TEST(BinaryTrace, EveryCutIsTruncationNamingTheRecord) {
  const auto requests = testing::request_mix(40);
  const std::string bytes = testing::write_all(requests, TraceFormat::binary);
  for (std::size_t cut = trace_format::kBinaryHeaderBytes; cut < bytes.size(); ++cut) {
    const std::string e = error_of(bytes.substr(0, cut), TraceFormat::binary, "t.bin");
    EXPECT_TRUE(e.starts_with("t.bin: truncated at record ") ||
                e.starts_with("t.bin: truncated in the trailer"))
        << "cut at " << cut << ": " << e;
  }
  // Cut inside the third record: the first two were read.
  std::string two = testing::write_all({requests[0], requests[1]}, TraceFormat::binary);
  two.resize(two.size() - trailer(2).size());
  const std::string three =
      testing::write_all({requests[0], requests[1], requests[2]}, TraceFormat::binary);
  EXPECT_EQ(error_of(three.substr(0, two.size() + 2), TraceFormat::binary, "t.bin"),
            "t.bin: truncated at record 3");
}

TEST(BinaryTrace, VarintTooLongAndValuesOutOfRange) {
  // op like, time delta of 11 continuation bytes.
  std::string rec = std::string(1, '\0') + std::string(11, '\x80') + "\x01";
  EXPECT_EQ(error_of(header() + rec, TraceFormat::binary, "t.bin"),
            "t.bin: record 1: time: varint longer than 10 bytes");
  // post in six bytes.
  rec = std::string("\x00\x01", 2) + std::string(5, '\x81') + "\x01";
  EXPECT_EQ(error_of(header() + rec, TraceFormat::binary, "t.bin"),
            "t.bin: record 1: post: varint longer than 5 bytes");
  // user = 2^32 (five bytes, the last 0x10).
  rec = std::string("\x00\x01\x01", 3) + "\x80\x80\x80\x80\x10" + std::string("\x00", 1);
  EXPECT_EQ(error_of(header() + rec + trailer(1), TraceFormat::binary, "t.bin"),
            "t.bin: record 1: user 4294967296 is beyond 2^32-1");
  // op 6, flags bit 4.
  EXPECT_EQ(
      error_of(header() + std::string("\x06\x01\x01\x01\x00", 5), TraceFormat::binary, "t.bin"),
      "t.bin: record 1: unknown op 6");
  EXPECT_EQ(
      error_of(header() + std::string("\x10\x01\x01\x01\x00", 5), TraceFormat::binary, "t.bin"),
      "t.bin: record 1: bad op/flags byte 16");
  // batch_count with batch 0.
  EXPECT_EQ(
      error_of(header() + std::string("\x04\x01\x01\x01\x00\x00", 6), TraceFormat::binary, "t.bin"),
      "t.bin: record 1: batch 0 is not in 1..100");
}

TEST(BinaryTrace, TheTrailerMustCountTheRecordsAndEndTheFile) {
  const std::string one = header() + std::string("\x00\x01\x01\x01\x00", 5);
  EXPECT_EQ(read_all(one + trailer(1), TraceFormat::binary, {}, "t.bin").size(), 1u);
  EXPECT_EQ(error_of(one + trailer(2), TraceFormat::binary, "t.bin"),
            "t.bin: the trailer says 2 records, the file holds 1");
  EXPECT_EQ(error_of(one + trailer(1) + "x", TraceFormat::binary, "t.bin"),
            "t.bin: bytes after the trailer");
  EXPECT_EQ(error_of(one, TraceFormat::binary, "t.bin"), "t.bin: truncated at record 2");
}

TEST(BinaryTrace, RandomBytesNeverCrash) {
  RandomStream rng(11, "test.fuzz");
  const std::string valid = testing::write_all(testing::request_mix(200), TraceFormat::binary);
  int errors = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bytes = valid;
    const int flips = 1 + static_cast<int>(rng.uniform_int(4));
    for (int f = 0; f < flips; ++f) {
      const std::size_t at = trace_format::kBinaryHeaderBytes +
                             rng.uniform_int(bytes.size() - trace_format::kBinaryHeaderBytes);
      bytes[at] = static_cast<char>(rng.uniform_int(256));
    }
    errors += !error_of(bytes, TraceFormat::binary, "t.bin").empty();
  }
  EXPECT_GT(errors, 1000);  // most flips are caught (a flipped value byte may still be valid)
}

}  // namespace
}  // namespace likesim
