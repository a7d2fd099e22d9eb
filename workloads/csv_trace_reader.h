// CsvTraceReader: a CSV trace (trace_format.h) back into requests, a line at a time.
//
// The header names the columns; every line is checked whole (each integer's range, the op's
// name, the batch against the op, time never going backwards) and the first bad one throws a
// TraceError naming file, line and field: `trace.csv:6: post: expected an integer, got "x"`.
//
//   CsvTraceReader reader(std::make_unique<std::ifstream>("t.csv"), "t.csv");
//   Request r;
//   while (reader.next(r)) issue(r);
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workloads/line_reader.h"
#include "workloads/trace_reader.h"

namespace likesim {

class CsvTraceReader final : public TraceReader {
 public:
  CsvTraceReader(std::unique_ptr<std::istream> in, std::string name);
  bool next(Request& out) override;

  // Parses "123", "123.4" or "123.456" microseconds into nanoseconds; false when it is not one.
  static bool parse_time_us(std::string_view text, std::int64_t& ns);
  // Formats nanoseconds as microseconds with 3 decimals ("1000.250") into `out`.
  static void format_time_us(std::int64_t ns, std::string& out);

 private:
  enum Column { kTime, kOp, kPost, kUser, kId, kBatch, kRetry, kColumns };
  void read_header();

  LineReader lines_;
  bool started_ = false;
  std::array<int, kColumns> column_{};  // the field index of each column, -1 when absent
  std::size_t fields_in_header_ = 0;
  std::vector<std::string_view> fields_;
  std::int64_t last_ns_ = 0;
};

}  // namespace likesim
