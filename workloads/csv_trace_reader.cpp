#include "workloads/csv_trace_reader.h"

#include <charconv>
#include <limits>

#include "workloads/trace_format.h"

namespace likesim {
namespace {

constexpr const char* kNames[] = {"time_us", "op", "post", "user", "request_id", "batch", "retry"};
constexpr int kRequired = 5;  // time_us .. request_id

template <typename T>
bool parse_uint(std::string_view text, T& out) {
  if (text.empty() || text.front() < '0' || text.front() > '9') return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_op(std::string_view text, Op& op) {
  for (int i = 0; i < kOpCount; ++i) {
    if (text == op_name(static_cast<Op>(i))) {
      op = static_cast<Op>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

CsvTraceReader::CsvTraceReader(std::unique_ptr<std::istream> in, std::string name)
    : lines_(std::move(in), std::move(name)) {
  column_.fill(-1);
}

bool CsvTraceReader::parse_time_us(std::string_view text, std::int64_t& ns) {
  const std::size_t dot = text.find('.');
  std::uint64_t whole = 0;
  if (!parse_uint(text.substr(0, dot), whole)) return false;
  std::uint64_t frac = 0;
  if (dot != std::string_view::npos) {
    const std::string_view f = text.substr(dot + 1);
    if (f.empty() || f.size() > 3 || !parse_uint(f, frac)) return false;
    for (std::size_t i = f.size(); i < 3; ++i) frac *= 10;
  }
  if (whole >= trace_format::kMaxTimeNs / 1000) return false;
  ns = static_cast<std::int64_t>(whole * 1000 + frac);
  return true;
}

void CsvTraceReader::format_time_us(std::int64_t ns, std::string& out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, ns / 1000);
  const int frac = static_cast<int>(ns % 1000);
  *r.ptr++ = '.';
  *r.ptr++ = static_cast<char>('0' + frac / 100);
  *r.ptr++ = static_cast<char>('0' + frac / 10 % 10);
  *r.ptr++ = static_cast<char>('0' + frac % 10);
  out.append(buf, r.ptr);
}

void CsvTraceReader::read_header() {
  started_ = true;
  std::string_view line;
  if (!lines_.next(line)) {
    throw TraceError(lines_.name() + ": empty (a CSV trace starts with the header " +
                     std::string(trace_format::kCsvHeader) + ")");
  }
  if (!LineReader::split(line, fields_, kColumns)) {
    lines_.fail("header", "more than " + std::to_string(kColumns) + " columns (expected " +
                              std::string(trace_format::kCsvHeader) + ")");
  }
  fields_in_header_ = fields_.size();
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    int c = 0;
    while (c < kColumns && fields_[i] != kNames[c]) ++c;
    if (c == kColumns) {
      std::string hint;
      if (fields_[i] == "relative_time_second" || fields_[i] == "magnitude" || fields_[i].empty())
        hint = "; a cascade file? use --format cascade";
      lines_.fail("header", "unknown column " + LineReader::quote(fields_[i]) + " (expected " +
                                std::string(trace_format::kCsvHeader) + hint + ")");
    }
    if (column_[c] >= 0) lines_.fail("header", "column " + std::string(kNames[c]) + " twice");
    column_[c] = static_cast<int>(i);
  }
  for (int c = 0; c < kRequired; ++c) {
    if (column_[c] < 0) lines_.fail("header", "missing column " + std::string(kNames[c]));
  }
}

bool CsvTraceReader::next(Request& out) {
  if (!started_) read_header();
  std::string_view line;
  do {
    if (!lines_.next(line)) return false;
  } while (line.empty());
  if (!LineReader::split(line, fields_, fields_in_header_)) {
    lines_.fail("", "more than the header's " + std::to_string(fields_in_header_) + " columns");
  }
  if (fields_.size() < fields_in_header_) {
    for (int c = 0; c < kColumns; ++c) {
      if (column_[c] >= static_cast<int>(fields_.size())) {
        lines_.fail(kNames[c], "missing (the line has " + std::to_string(fields_.size()) +
                                   " of the header's " + std::to_string(fields_in_header_) +
                                   " columns)");
      }
    }
  }
  const auto field = [&](Column c) { return fields_[static_cast<std::size_t>(column_[c])]; };
  const auto integer_error = [&](Column c) {
    lines_.fail(kNames[c], "expected an integer, got " + LineReader::quote(field(c)));
  };

  Request r;
  std::int64_t ns = 0;
  if (!parse_time_us(field(kTime), ns)) {
    lines_.fail("time_us", "expected microseconds (at most 3 decimals, below 2^62 ns), got " +
                               LineReader::quote(field(kTime)));
  }
  if (ns < last_ns_) {
    std::string was, is;
    format_time_us(last_ns_, was);
    format_time_us(ns, is);
    lines_.fail("time_us",
                is + " is before the previous line's " + was + " (a trace is in time order)");
  }
  last_ns_ = ns;
  r.intended = Time(ns);
  if (!parse_op(field(kOp), r.op)) {
    lines_.fail("op", "unknown operation " + LineReader::quote(field(kOp)) +
                          " (like, unlike, count, status or batch_count)");
  }
  if (!parse_uint(field(kPost), r.post)) integer_error(kPost);
  if (!parse_uint(field(kUser), r.user)) integer_error(kUser);
  if (!parse_uint(field(kId), r.id)) integer_error(kId);
  unsigned batch = 0;
  if (column_[kBatch] >= 0 && !field(kBatch).empty() && !parse_uint(field(kBatch), batch)) {
    integer_error(kBatch);
  }
  if (r.op == Op::batch_count) {
    if (batch < 1 || batch > static_cast<unsigned>(kMaxBatchPosts)) {
      lines_.fail("batch", "batch_count needs a page size of 1.." + std::to_string(kMaxBatchPosts) +
                               ", got " +
                               LineReader::quote(column_[kBatch] < 0 ? "" : field(kBatch)));
    }
    if (std::uint64_t{r.post} + batch - 1 > std::numeric_limits<PostId>::max()) {
      lines_.fail("batch", "the page post..post+batch-1 goes past post 4294967295");
    }
    r.batch = static_cast<std::uint8_t>(batch);
  } else if (batch != 0) {
    lines_.fail("batch", "only batch_count has a page size, got " + std::to_string(batch) +
                             " for " + std::string(op_name(r.op)));
  }
  if (column_[kRetry] >= 0) {
    const std::string_view retry = field(kRetry);
    if (retry == "1") {
      r.retry = true;
    } else if (!retry.empty() && retry != "0") {
      lines_.fail("retry", "expected 0 or 1, got " + LineReader::quote(retry));
    }
  }
  out = r;
  return true;
}

}  // namespace likesim
