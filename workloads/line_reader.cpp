#include "workloads/line_reader.h"

#include <cstring>

#include "workloads/trace_format.h"
#include "workloads/trace_reader.h"

namespace likesim {
namespace {

constexpr std::size_t kChunk = 1 << 16;

}  // namespace

LineReader::LineReader(std::unique_ptr<std::istream> in, std::string name)
    : in_(std::move(in)), name_(std::move(name)), buffer_(kChunk + trace_format::kMaxCsvLine) {}

bool LineReader::fill() {
  if (eof_ || !in_) return false;
  if (begin_ > 0) {  // keep the partial line at the front
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  in_->read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
  const std::size_t got = static_cast<std::size_t>(in_->gcount());
  end_ += got;
  if (got == 0 || !*in_) eof_ = true;
  if (in_->bad()) throw TraceError(name_ + ": read error");
  return got > 0;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = 0;  // bytes after begin_ known to hold no newline
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start + scanned, '\n', end_ - begin_ - scanned);
    if (nl || (eof_ && end_ > begin_)) {
      const std::size_t len =
          nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : end_ - begin_;
      ++line_;
      if (len > trace_format::kMaxCsvLine) {
        fail("", "line longer than " + std::to_string(trace_format::kMaxCsvLine) + " bytes");
      }
      line = std::string_view(start, len);
      begin_ += nl ? len + 1 : len;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return true;
    }
    scanned = end_ - begin_;
    if (scanned > trace_format::kMaxCsvLine) {
      ++line_;
      fail("", "line longer than " + std::to_string(trace_format::kMaxCsvLine) + " bytes");
    }
    if (!fill() && eof_ && end_ == begin_) return false;
  }
}

void LineReader::fail(std::string_view field, std::string_view what) const {
  std::string m = name_ + ":" + std::to_string(line_) + ": ";
  if (!field.empty()) m.append(field).append(": ");
  m.append(what);
  throw TraceError(m);
}

bool LineReader::split(std::string_view line, std::vector<std::string_view>& fields,
                       std::size_t max) {
  fields.clear();
  for (;;) {
    if (fields.size() == max) return false;
    const std::size_t comma = line.find(',');
    fields.push_back(line.substr(0, comma));
    if (comma == std::string_view::npos) return true;
    line.remove_prefix(comma + 1);
  }
}

std::string LineReader::quote(std::string_view text) {
  std::string q = "\"";
  for (char c : text.substr(0, 40)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      static constexpr char kHex[] = "0123456789abcdef";
      q += "\\x";
      q += kHex[u >> 4];
      q += kHex[u & 15];
    } else {
      q += c;
    }
  }
  if (text.size() > 40) q += "...";
  return q + "\"";
}

}  // namespace likesim
