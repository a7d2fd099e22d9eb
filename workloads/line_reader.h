// LineReader: the lines of a text input, in bounded memory, for the CSV trace and cascade
// readers; and the one-line errors that name the input, line and field.
//
// A line longer than kMaxCsvLine is an error (a file without newlines cannot make it buffer
// without bound); a CR before the newline is dropped; the last line needs no newline.
//
//   LineReader lines(std::move(in), "trace.csv");
//   std::string_view line;
//   while (lines.next(line)) { ... lines.fail("post", "expected an integer"); }
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace likesim {

class LineReader {
 public:
  LineReader(std::unique_ptr<std::istream> in, std::string name);

  // The next line (without its newline), or false at the end. Throws TraceError.
  bool next(std::string_view& line);
  // The number of the line next() returned last, from 1.
  std::uint64_t line_number() const { return line_; }
  const std::string& name() const { return name_; }

  // Throws TraceError "NAME:LINE: FIELD: WHAT" (", FIELD" left out when empty).
  [[noreturn]] void fail(std::string_view field, std::string_view what) const;

  // Splits `line` at commas into `fields` (cleared first); at most `max` fields, then false.
  static bool split(std::string_view line, std::vector<std::string_view>& fields, std::size_t max);
  // `text` quoted for a message, shortened to 40 characters.
  static std::string quote(std::string_view text);

 private:
  bool fill();

  std::unique_ptr<std::istream> in_;
  std::string name_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // unread bytes are buffer_[begin_, end_)
  bool eof_ = false;
  std::uint64_t line_ = 0;
};

}  // namespace likesim
