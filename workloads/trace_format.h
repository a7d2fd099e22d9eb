// The two trace formats likesim writes and reads: a request stream, one record per request, in
// intended-send-time order (times never go backwards).
//
// CSV, for people (`likesim record SCENARIO --trace t.csv`; open it in anything):
//
//   time_us,op,post,user,request_id,batch,retry
//   1000.250,like,42,7,1,,0
//   1000.731,batch_count,40,9,2,10,0
//
//   - the header names the columns, in any order; time_us, op, post, user and request_id are
//     required, batch (batch_count's page size, 1..kMaxBatchPosts, empty or 0 for other ops)
//     and retry (0/1: a client resend of the same request id) are optional;
//   - time_us: microseconds since the run's start, with up to 3 decimals, so a time in
//     nanoseconds round-trips exactly; op: like | unlike | count | status | batch_count;
//     post, user: 0..2^32-1; request_id: 0..2^64-1;
//   - blank lines are skipped, a CR before the newline is ignored, a line is at most
//     kMaxCsvLine bytes.
//
// Binary, for 100 M-event traces (extension .bin): little-endian, LEB128 varints.
//
//   header   "LIKETRCE" (8 bytes), version (u32, kBinaryTraceVersion)
//   record   op/flags byte: bits 0-2 the Op, bit 3 retry, bits 4-7 zero
//            varint  time - previous time, ns (the first from 0)
//            varint  post, varint user (each at most 5 bytes, < 2^32)
//            varint  zigzag(request_id - (previous request_id + 1)): a fresh stream costs 1 byte
//            byte    batch (batch_count only: 1..kMaxBatchPosts)
//   trailer  the byte kTrailerTag, varint record count, "ENDT" (4 bytes), then end of file
//
// A reader checks every varint's length and range, so a truncated or corrupted file gives one
// line naming the record ("trace.bin: truncated at record 1234"), never a wrong stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace likesim::trace_format {

inline constexpr std::string_view kCsvHeader = "time_us,op,post,user,request_id,batch,retry";
inline constexpr std::size_t kMaxCsvLine = 4096;

inline constexpr char kBinaryMagic[8] = {'L', 'I', 'K', 'E', 'T', 'R', 'C', 'E'};
inline constexpr std::uint32_t kBinaryTraceVersion = 1;
inline constexpr std::size_t kBinaryHeaderBytes = 12;
inline constexpr std::uint8_t kTrailerTag = 0xFF;
inline constexpr char kTrailerMagic[4] = {'E', 'N', 'D', 'T'};
inline constexpr std::uint8_t kOpMask = 0x07;
inline constexpr std::uint8_t kRetryFlag = 0x08;
// The longest record: op byte, 10 + 5 + 5 + 10 varint bytes, batch byte.
inline constexpr std::size_t kMaxRecordBytes = 32;
// Times beyond 2^62 ns (146 years) are refused, so sums of deltas never overflow.
inline constexpr std::uint64_t kMaxTimeNs = std::uint64_t{1} << 62;

constexpr std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Writes v as a LEB128 varint at p (room for 10 bytes); returns the end.
inline std::uint8_t* put_varint(std::uint8_t* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<std::uint8_t>(v);
  return p;
}

}  // namespace likesim::trace_format
