// The HdrHistogram interval log's binary layer (ZigZag LEB128, zero runs, header, cookie, zlib
// frame, base64, bucket layout) and text layer, against a small decoder written here from
// HdrHistogram's Java decoder (AbstractHistogram.decodeFromByteBuffer,
// fillCountsArrayFromSourceBuffer, ZigZagEncoding.getLong). The Java library itself decodes a
// whole run's log in tests/unit/engine/cli/hdr_log_command_test.cpp.
#include "engine/metrics/hdr_interval_log.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "engine/metrics/hdr_interval_log_encoding.h"

namespace likesim {
namespace {

using Bytes = std::vector<unsigned char>;

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

Bytes zigzag(std::int64_t v) {
  std::string out;
  put_zigzag(out, v);
  return bytes_of(out);
}

// ZigZagEncoding.getLong: 8 bytes of 7 bits, then a 9th of 8.
std::int64_t get_zigzag(const Bytes& b, std::size_t& at) {
  std::uint64_t u = 0;
  int shift = 0;
  for (int i = 0; i < 9; ++i) {
    const std::uint64_t byte = b.at(at++);
    if (i == 8) {
      u |= byte << 56;
      break;
    }
    u |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) == 0) break;
  }
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

std::uint64_t be(const Bytes& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | b.at(at + static_cast<std::size_t>(i));
  return v;
}

struct Decoded {
  std::uint32_t cookie = 0;
  int digits = 0;
  std::int64_t lowest = 0, highest = 0;
  double ratio = 0;
  std::map<std::int32_t, std::int64_t> counts;  // index -> count, non-zero only
  std::int32_t indices_walked = 0;
};

// decodeFromByteBuffer of an uncompressed V2 encoding.
Decoded decode(const Bytes& b) {
  Decoded d;
  d.cookie = static_cast<std::uint32_t>(be(b, 0, 4));
  const auto payload = static_cast<std::size_t>(be(b, 4, 4));
  EXPECT_EQ(be(b, 8, 4), 0u);  // normalizingIndexOffset
  d.digits = static_cast<int>(be(b, 12, 4));
  d.lowest = static_cast<std::int64_t>(be(b, 16, 8));
  d.highest = static_cast<std::int64_t>(be(b, 24, 8));
  const std::uint64_t bits = be(b, 32, 8);
  std::memcpy(&d.ratio, &bits, sizeof d.ratio);
  EXPECT_EQ(b.size(), 40 + payload);
  std::size_t at = 40;
  std::int32_t index = 0;
  while (at < 40 + payload) {
    const std::int64_t v = get_zigzag(b, at);
    if (v < 0) {
      index += static_cast<std::int32_t>(-v);
    } else {
      if (v > 0) d.counts[index] = v;
      ++index;
    }
  }
  d.indices_walked = index;
  return d;
}

// The compressed wrapper: cookie, length, zlib stream.
Bytes inflate_compressed(const std::string& s) {
  const Bytes b = bytes_of(s);
  EXPECT_EQ(be(b, 0, 4), 0x1c849314u);
  EXPECT_EQ(be(b, 4, 4), b.size() - 8);
  EXPECT_EQ(b.at(8) & 0x0f, 8);  // zlib (RFC 1950) header: deflate method, not raw or gzip
  Bytes out(1 << 20);
  uLongf size = out.size();
  EXPECT_EQ(uncompress(out.data(), &size, b.data() + 8, b.size() - 8), Z_OK);
  out.resize(size);
  return out;
}

TEST(HdrIntervalLog, ZigZagIsLeb128With9ByteLimit) {
  EXPECT_EQ(zigzag(0), Bytes({0x00}));
  EXPECT_EQ(zigzag(-1), Bytes({0x01}));
  EXPECT_EQ(zigzag(1), Bytes({0x02}));
  EXPECT_EQ(zigzag(63), Bytes({0x7e}));
  EXPECT_EQ(zigzag(-64), Bytes({0x7f}));
  EXPECT_EQ(zigzag(64), Bytes({0x80, 0x01}));
  EXPECT_EQ(zigzag(-3), Bytes({0x05}));
  EXPECT_EQ(zigzag(8191), Bytes({0xfe, 0x7f}));
  // The 9th byte holds 8 bits and no continuation flag: not a protobuf varint (10 bytes).
  EXPECT_EQ(zigzag(INT64_MAX), Bytes({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(zigzag(INT64_MIN), Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{300}, std::int64_t{-300},
                         std::int64_t{1} << 55, -(std::int64_t{1} << 56), INT64_MAX, INT64_MIN}) {
    const Bytes b = zigzag(v);
    std::size_t at = 0;
    EXPECT_EQ(get_zigzag(b, at), v);
    EXPECT_EQ(at, b.size());
  }
}

TEST(HdrIntervalLog, GeometryIsHdrHistograms) {
  const HdrGeometry& g = latency_export_geometry();
  EXPECT_EQ(g.unit_magnitude, 0);
  EXPECT_EQ(g.sub_bucket_count_magnitude, 11);  // ceil(log2(2 * 10^3))
  EXPECT_EQ(g.sub_bucket_half_count, 1024);
  EXPECT_EQ(g.counts_length, 23552);  // Java: new Histogram(1, 3600000000L, 3).countsArrayLength
  // Another unit: lowest discernible 1000 -> unit magnitude 9, 512 per sub-bucket step.
  const HdrGeometry ns(1000, 3'600'000'000'000, 3);
  EXPECT_EQ(ns.unit_magnitude, 9);
  EXPECT_EQ(ns.index_of(511), 0);
  EXPECT_EQ(ns.index_of(512), 1);
  EXPECT_EQ(ns.value_from_index(ns.index_of(1'000'000)), 999'936);  // 1953 * 512
}

// Every likesim bucket is exactly one HdrHistogram bucket, in order: the export re-buckets
// nothing, and a reader's values are likesim's.
TEST(HdrIntervalLog, EveryLikesimBucketIsOneHdrBucket) {
  const HdrGeometry& g = latency_export_geometry();
  const LatencyHistogram h;
  std::int32_t expected = 0;
  for (std::int64_t v = 0; v <= LatencyHistogram::kHighest; v = h.highest_equivalent(v) + 1) {
    const std::int64_t lo = h.lowest_equivalent(v), hi = h.highest_equivalent(v);
    ASSERT_EQ(lo, v);
    ASSERT_EQ(g.index_of(lo), expected) << v;
    ASSERT_EQ(g.index_of(hi), expected) << v;
    ASSERT_EQ(g.value_from_index(expected), lo) << v;
    if (lo > 0) {
      ASSERT_EQ(g.index_of(lo - 1), expected - 1) << v;
    }
    ++expected;
  }
  EXPECT_LE(expected, g.counts_length);
}

TEST(HdrIntervalLog, EncodesHeaderCountsAndZeroRuns) {
  LatencyHistogram h;
  h.record_value(1, 2);
  h.record_value(5);
  const Bytes b = bytes_of(hdr_encode(h));
  const Bytes header = {
      0x1c, 0x84, 0x93, 0x13,                          // V2 cookie
      0,    0,    0,    4,                             // payload length
      0,    0,    0,    0,                             // normalizingIndexOffset
      0,    0,    0,    3,                             // significant digits
      0,    0,    0,    0,    0,    0,    0,    1,     // lowest discernible value (µs)
      0,    0,    0,    0,    0xd6, 0x93, 0xa4, 0x00,  // highest: 3.6e9 µs
      0x3f, 0xf0, 0,    0,    0,    0,    0,    0};    // 1.0
  ASSERT_EQ(b.size(), 44u);
  EXPECT_EQ(Bytes(b.begin(), b.begin() + 40), header);
  // bucket 0 empty (a lone zero: 0), bucket 1: 2, buckets 2..4 empty (a run: -3), bucket 5: 1;
  // nothing after the max's bucket.
  EXPECT_EQ(Bytes(b.begin() + 40, b.end()), Bytes({0x00, 0x04, 0x05, 0x02}));

  const Bytes empty = bytes_of(hdr_encode(LatencyHistogram()));
  EXPECT_EQ(Bytes(empty.begin() + 40, empty.end()), Bytes({0x00}));  // as Java writes it
}

TEST(HdrIntervalLog, CompressedRoundTripKeepsEveryCount) {
  LatencyHistogram h;
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const int magnitude = static_cast<int>(x % 32);  // 1 µs .. 2^32 µs, past the top too
    h.record_value(static_cast<std::int64_t>((x >> 8) % (std::uint64_t{1} << magnitude)));
  }
  h.record_value(LatencyHistogram::kHighest + 5);  // clamped to the top bucket
  const std::string compressed = hdr_encode_compressed(h);
  const Bytes raw = inflate_compressed(compressed);
  EXPECT_EQ(raw, bytes_of(hdr_encode(h)));

  const Decoded d = decode(raw);
  EXPECT_EQ(d.cookie, 0x1c849313u);
  EXPECT_EQ(d.digits, 3);
  EXPECT_EQ(d.lowest, 1);
  EXPECT_EQ(d.highest, 3'600'000'000);
  EXPECT_EQ(d.ratio, 1.0);
  const HdrGeometry g(d.lowest, d.highest, d.digits);  // what a reader rebuilds
  std::map<std::int32_t, std::int64_t> expected;
  std::uint64_t total = 0;
  h.for_each_recorded([&](std::int64_t lo, std::int64_t, std::uint64_t n) {
    expected[g.index_of(lo)] = static_cast<std::int64_t>(n);
    total += n;
  });
  EXPECT_EQ(d.counts, expected);
  EXPECT_EQ(total, h.total_count());
  EXPECT_EQ(d.indices_walked, g.index_of(h.max()) + 1);

  const std::string text = hdr_compressed_base64(h);
  EXPECT_EQ(text.substr(0, 5), "HISTF");
  EXPECT_EQ(text.find_first_of("\n\r ,"), std::string::npos);
  EXPECT_EQ(text.size() % 4, 0u);  // padded
  std::string back;
  ASSERT_TRUE(absl::Base64Unescape(text, &back));
  EXPECT_EQ(back, compressed);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(HdrIntervalLog, WritesHeaderAndOneLinePerIntervalAndUsedOperation) {
  HdrIntervalLog log({"a", "b"}, 100ms);
  HdrIntervalRecorder& a = log.recorder(0);
  a.record(Op::like, Time(50ms), 1500us);
  a.record(Op::like, Time(250ms), 2ms);
  a.record(Op::count, Time(260ms), 7us);
  a.finish(Time(270ms));
  EXPECT_EQ(a.closed_intervals(), 3u);
  HdrIntervalRecorder& b = log.recorder(1);
  b.record(Op::unlike, Time(100ms), 3ms);  // an interval's end belongs to the next one
  b.finish(Time(200ms));
  EXPECT_EQ(b.closed_intervals(), 2u);

  std::ostringstream out;
  log.write(out, {std::string(300, 'x'), 0});
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 5u + 3 * 2 + 2);
  EXPECT_EQ(lines[0], "#[" + std::string(123, 'x') + "]");  // 126 characters at most
  EXPECT_EQ(lines[1], "#[Histogram log format version 1.3]");
  EXPECT_EQ(lines[2], "#[StartTime: 0.000 (seconds since epoch), 1970-01-01T00:00:00Z]");
  EXPECT_EQ(lines[3], "#[BaseTime: 0.000 (seconds since epoch)]");
  EXPECT_EQ(lines[4],
            "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
            "\"Interval_Compressed_Histogram\"");
  LatencyHistogram like0, empty;
  like0.record(1500us);
  EXPECT_EQ(lines[5], "Tag=a.like,0.000,0.100,1.500," + hdr_compressed_base64(like0));
  EXPECT_EQ(lines[6], "Tag=a.count,0.000,0.100,0.000," + hdr_compressed_base64(empty));
  EXPECT_EQ(lines[7].substr(0, 30), "Tag=b.unlike,0.000,0.100,0.000");
  EXPECT_EQ(lines[9].substr(0, 27), "Tag=a.count,0.100,0.100,0.0");
  EXPECT_EQ(lines[10].substr(0, 30), "Tag=b.unlike,0.100,0.100,3.000");
  EXPECT_EQ(lines[11].substr(0, 28), "Tag=a.like,0.200,0.100,2.000");
  EXPECT_EQ(lines[12].substr(0, 29), "Tag=a.count,0.200,0.100,0.007");
}

TEST(HdrIntervalLog, RealRunsStartAtTheirWallClockAndFineIntervalsKeepTheirDigits) {
  HdrIntervalLog log({"s"}, from_millis(2.5));
  log.recorder(0).record(Op::status, Time(3ms), 10us);
  std::ostringstream out;
  log.write(out, {"c", 1'700'000'000'123});  // a failed run: the open interval is written
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[2], "#[StartTime: 1700000000.123 (seconds since epoch), 2023-11-14T22:13:20Z]");
  EXPECT_EQ(lines[3], "#[BaseTime: 1700000000.123 (seconds since epoch)]");
  EXPECT_EQ(lines[5].substr(0, 39), "Tag=s.status,0.000000,0.002500,0.000,HI");
  EXPECT_EQ(lines[6].substr(0, 39), "Tag=s.status,0.002500,0.002500,0.010,HI");
}

TEST(HdrIntervalLog, TagsRefuseSeparators) {
  EXPECT_EQ(hdr_tag_problem("sharded_counter-32"), "");
  EXPECT_NE(hdr_tag_problem("a b"), "");
  EXPECT_NE(hdr_tag_problem("a,b"), "");
  EXPECT_NE(hdr_tag_problem("a\nb"), "");
}

}  // namespace
}  // namespace likesim
