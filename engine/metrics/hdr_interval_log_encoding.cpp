#include "engine/metrics/hdr_interval_log_encoding.h"

#include <zlib.h>

#include <bit>
#include <cassert>
#include <cstring>
#include <stdexcept>

#include "absl/strings/escaping.h"

namespace likesim {
namespace {

void put_be32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void put_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void set_be32(std::string& out, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out[at + static_cast<std::size_t>(i)] = static_cast<char>(v >> (24 - 8 * i));
}

// A run of `zeros` empty buckets: one 0 for a lone one, -zeros for more (Java's
// fillBufferFromCountsArray).
void put_zeros(std::string& out, std::int64_t zeros) {
  if (zeros == 1) put_zigzag(out, 0);
  if (zeros > 1) put_zigzag(out, -zeros);
}

}  // namespace

HdrGeometry::HdrGeometry(std::int64_t lowest_, std::int64_t highest_, int digits_)
    : lowest(lowest_), highest(highest_), digits(digits_) {
  assert(lowest >= 1 && highest >= 2 * lowest && digits >= 0 && digits <= 5);
  std::int64_t largest_single_unit = 2;
  for (int i = 0; i < digits; ++i) largest_single_unit *= 10;
  unit_magnitude = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(lowest))) - 1;
  // ceil(log2(largest_single_unit))
  sub_bucket_count_magnitude =
      static_cast<int>(std::bit_width(static_cast<std::uint64_t>(largest_single_unit - 1)));
  sub_bucket_half_count_magnitude = std::max(sub_bucket_count_magnitude, 1) - 1;
  const std::int64_t sub_bucket_count = std::int64_t{1} << (sub_bucket_half_count_magnitude + 1);
  sub_bucket_half_count = sub_bucket_count / 2;
  sub_bucket_mask = (sub_bucket_count - 1) << unit_magnitude;
  leading_zero_count_base = 64 - unit_magnitude - sub_bucket_half_count_magnitude - 1;
  // getBucketsNeededToCoverValue(highest)
  std::int64_t smallest_untrackable = sub_bucket_count << unit_magnitude;
  std::int64_t buckets = 1;
  while (smallest_untrackable <= highest) {
    if (smallest_untrackable > INT64_MAX / 2) {
      ++buckets;
      break;
    }
    smallest_untrackable <<= 1;
    ++buckets;
  }
  counts_length = static_cast<std::int32_t>((buckets + 1) * sub_bucket_half_count);
}

std::int32_t HdrGeometry::index_of(std::int64_t value) const {
  const int bucket = leading_zero_count_base -
                     std::countl_zero(static_cast<std::uint64_t>(value | sub_bucket_mask));
  const std::int64_t sub = value >> (bucket + unit_magnitude);
  return static_cast<std::int32_t>(
      ((static_cast<std::int64_t>(bucket) + 1) << sub_bucket_half_count_magnitude) +
      (sub - sub_bucket_half_count));
}

std::int64_t HdrGeometry::value_from_index(std::int32_t index) const {
  int bucket = (index >> sub_bucket_half_count_magnitude) - 1;
  std::int64_t sub = (index & (sub_bucket_half_count - 1)) + sub_bucket_half_count;
  if (bucket < 0) {
    sub -= sub_bucket_half_count;
    bucket = 0;
  }
  return sub << (bucket + unit_magnitude);
}

const HdrGeometry& latency_export_geometry() {
  static const HdrGeometry g(LatencyHistogram::kLowest, LatencyHistogram::kHighest,
                             LatencyHistogram::kSignificantDigits);
  return g;
}

void put_zigzag(std::string& out, std::int64_t value) {
  std::uint64_t u =
      (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
  for (int i = 0; i < 8; ++i) {
    if ((u >> 7) == 0) {
      out.push_back(static_cast<char>(u));
      return;
    }
    out.push_back(static_cast<char>((u & 0x7f) | 0x80));
    u >>= 7;
  }
  out.push_back(static_cast<char>(u));  // the 9th byte: the last 8 bits, no continuation flag
}

std::string hdr_encode(const LatencyHistogram& h) {
  const HdrGeometry& g = latency_export_geometry();
  std::string out;
  put_be32(out, kHdrV2EncodingCookie);
  put_be32(out, 0);  // payload length, set below
  put_be32(out, 0);  // normalizingIndexOffset
  put_be32(out, static_cast<std::uint32_t>(g.digits));
  put_be64(out, static_cast<std::uint64_t>(g.lowest));
  put_be64(out, static_cast<std::uint64_t>(g.highest));
  std::uint64_t one_bits;  // integerToDoubleValueConversionRatio = 1.0
  const double one = 1.0;
  std::memcpy(&one_bits, &one, sizeof one_bits);
  put_be64(out, one_bits);
  const std::size_t payload_start = out.size();

  // Re-bucketing into HdrHistogram's indices: a likesim bucket [lo, hi] goes whole to
  // HdrHistogram's bucket of lo; several likesim buckets in one HdrHistogram bucket add up.
  // With the two layouts identical (latency_export_geometry) it is one to one and exact.
  std::int32_t next = 0;      // the first index not yet written
  std::int32_t pending = -1;  // the index whose count is being summed
  std::uint64_t pending_count = 0;
  auto flush = [&] {
    if (pending < 0) return;
    put_zeros(out, pending - next);
    put_zigzag(out, static_cast<std::int64_t>(pending_count));
    next = pending + 1;
  };
  h.for_each_recorded([&](std::int64_t lo, [[maybe_unused]] std::int64_t hi, std::uint64_t count) {
    const std::int32_t index = g.index_of(lo);
    assert(g.index_of(hi) == index);  // no likesim bucket straddles two HdrHistogram buckets
    if (index != pending) {
      flush();
      pending = index;
      pending_count = 0;
    }
    pending_count += count;
  });
  flush();
  // An empty histogram is bucket 0 with nothing in it, as Java writes it.
  if (next == 0) put_zigzag(out, 0);
  set_be32(out, 4, static_cast<std::uint32_t>(out.size() - payload_start));
  return out;
}

std::string hdr_encode_compressed(const LatencyHistogram& h) {
  const std::string raw = hdr_encode(h);
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string out(8 + size, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data() + 8), &size,
                           reinterpret_cast<const Bytef*>(raw.data()),
                           static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION);
  if (rc != Z_OK) throw std::runtime_error("zlib compress2 failed (" + std::to_string(rc) + ")");
  out.resize(8 + size);
  set_be32(out, 0, kHdrV2CompressedEncodingCookie);
  set_be32(out, 4, static_cast<std::uint32_t>(size));
  return out;
}

std::string hdr_base64(std::string_view bytes) {
  return absl::Base64Escape(absl::string_view(bytes.data(), bytes.size()));
}

std::string hdr_compressed_base64(const LatencyHistogram& h) {
  return hdr_base64(hdr_encode_compressed(h));
}

}  // namespace likesim
