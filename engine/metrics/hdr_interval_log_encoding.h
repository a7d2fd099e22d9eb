// HdrHistogram's V2 compressed histogram encoding, the payload of an interval log's lines
// (hdr_interval_log.h), written from a LatencyHistogram.
//
// The bytes are what HdrHistogram's Java encodeIntoCompressedByteBuffer writes (checked
// against the Java library by tests/unit/engine/cli/hdr_log_command_test.cpp):
//   int32 0x1c849314, int32 n, n bytes of zlib stream of
//     [int32 0x1c849313, int32 payload length, int32 0, int32 digits, int64 lowest,
//      int64 highest, double 1.0]  (big-endian)  then the counts payload:
//     bucket 0 .. the max value's bucket, each count as ZigZag LEB128-64b9B, a run of z >= 2
//     empty buckets as the single value -z.
// A reader rebuilds the bucket layout from (lowest, highest, digits) alone, so the counts
// must sit at HdrHistogram's own indices for those three numbers (HdrGeometry); a count at
// the wrong index decodes without any error into a wrong value.
//
//   std::string line_payload = hdr_compressed_base64(histogram);   // "HISTF..."
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/metrics/latency_histogram.h"

namespace likesim {

inline constexpr std::uint32_t kHdrV2EncodingCookie = 0x1c849303 | 0x10;
inline constexpr std::uint32_t kHdrV2CompressedEncodingCookie = 0x1c849304 | 0x10;

// HdrHistogram's bucket layout for (lowest discernible value, highest trackable value,
// significant digits), as AbstractHistogram.init / countsArrayIndex / valueFromIndex compute
// it. Written from HdrHistogram's formulas, not from LatencyHistogram's code, so that a
// change of likesim's layout shows as a difference rather than being copied along.
struct HdrGeometry {
  HdrGeometry(std::int64_t lowest, std::int64_t highest, int digits);

  std::int64_t lowest, highest;
  int digits;
  int unit_magnitude;
  int sub_bucket_count_magnitude;
  int sub_bucket_half_count_magnitude;
  std::int64_t sub_bucket_half_count;
  std::int64_t sub_bucket_mask;
  int leading_zero_count_base;
  std::int32_t counts_length;

  std::int32_t index_of(std::int64_t value) const;
  // The lowest value of bucket `index`.
  std::int64_t value_from_index(std::int32_t index) const;
};

// The layout a LatencyHistogram is exported in: µs, 1 µs .. 1 h, 3 digits. Identical to
// likesim's own, so every likesim bucket is exactly one HdrHistogram bucket (the unit test
// checks all of them) and the export moves no count.
const HdrGeometry& latency_export_geometry();

// Appends `value` as ZigZag LEB128-64b9B (1 to 9 bytes; the 9th byte carries 8 bits).
void put_zigzag(std::string& out, std::int64_t value);

// The uncompressed V2 encoding (40-byte header, then the counts).
std::string hdr_encode(const LatencyHistogram& h);
// The V2 compressed encoding: cookie, length, zlib stream of hdr_encode(h).
std::string hdr_encode_compressed(const LatencyHistogram& h);
// Standard base64 with padding, no line breaks.
std::string hdr_base64(std::string_view bytes);
// What an interval log line carries: base64 of hdr_encode_compressed(h).
std::string hdr_compressed_base64(const LatencyHistogram& h);

}  // namespace likesim
