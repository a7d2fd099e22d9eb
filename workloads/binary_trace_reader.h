// BinaryTraceReader: a binary trace (trace_format.h) back into requests, from a fixed buffer.
//
// Every varint's length and range is checked, and the file must end in its trailer with the
// right record count, so a corrupted or cut file throws one TraceError naming the record
// (`t.bin: truncated at record 1234`, `t.bin: record 7: post: varint longer than 5 bytes`).
// Memory is the buffer (256 KiB) whatever the trace's length.
//
//   BinaryTraceReader reader(std::make_unique<std::ifstream>("t.bin", std::ios::binary), "t.bin");
//   Request r;
//   while (reader.next(r)) issue(r);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workloads/trace_reader.h"

namespace likesim {

class BinaryTraceReader final : public TraceReader {
 public:
  BinaryTraceReader(std::unique_ptr<std::istream> in, std::string name);
  bool next(Request& out) override;

 private:
  // Why a record could not be decoded from the bytes at hand.
  enum class Decode { ok, need_more, trailer };
  Decode decode(const std::uint8_t*& p, const std::uint8_t* end, Request& out);
  void read_header();
  void check_trailer();
  // Moves the unread bytes to the front and reads more; false when nothing more came.
  bool fill();
  [[noreturn]] void fail(std::string_view what) const;

  std::unique_ptr<std::istream> in_;
  std::string name_;
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool started_ = false;
  bool done_ = false;
  std::uint64_t records_ = 0;  // decoded so far
  std::uint64_t last_ns_ = 0;
  std::uint64_t last_id_ = 0;
};

}  // namespace likesim
