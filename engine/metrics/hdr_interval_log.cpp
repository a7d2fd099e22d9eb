#include "engine/metrics/hdr_interval_log.h"

#include <algorithm>
#include <ctime>

#include "engine/metrics/hdr_interval_log_encoding.h"

namespace likesim {
namespace {

// The C reader (hdr_log_read_header) reads a header line into char[128] with fgets: 126
// characters, the newline and the terminator.
constexpr std::size_t kMaxHeaderLine = 126;

// `value` / 10^scale_digits with `decimals` decimals (decimals <= scale_digits), from integers:
// no locale, no binary rounding ("0.100", never "0.1000000001" or "0,100").
std::string fixed_point(std::int64_t value, int scale_digits, int decimals) {
  std::int64_t scale = 1;
  for (int i = 0; i < scale_digits; ++i) scale *= 10;
  std::int64_t drop = 1;
  for (int i = decimals; i < scale_digits; ++i) drop *= 10;
  const std::int64_t rounded = (value + drop / 2) / drop;  // value >= 0
  const std::int64_t unit = scale / drop;
  std::string frac = std::to_string(rounded % unit);
  frac.insert(0, static_cast<std::size_t>(decimals) - frac.size(), '0');
  return std::to_string(rounded / unit) + (decimals > 0 ? "." + frac : "");
}

// Seconds with 3 decimals when every timestamp is a whole ms, else as many as it takes.
int second_decimals(Duration interval) {
  const std::int64_t ns = interval.count();
  if (ns % 1'000'000 == 0) return 3;
  if (ns % 1'000 == 0) return 6;
  return 9;
}

std::string header_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == ']') c = ' ';
  }
  std::string line = "#[" + text;
  if (line.size() > kMaxHeaderLine - 1) line.resize(kMaxHeaderLine - 1);
  return line + "]\n";
}

std::string utc_date(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

HdrIntervalRecorder::HdrIntervalRecorder(Duration interval)
    : interval_(interval > Duration(0) ? interval : 100ms),
      current_end_ns_(interval_.count()),
      active_(kOpCount) {}

void HdrIntervalRecorder::close_current() {
  for (std::size_t op = 0; op < active_.size(); ++op) {
    LatencyHistogram& h = active_[op];
    if (h.total_count() == 0) continue;
    used_[op] = true;
    entries_.push_back(Entry{static_cast<std::uint32_t>(closed_), static_cast<Op>(op), h.max(),
                             hdr_compressed_base64(h)});
    h.reset();
  }
  touched_ = false;
  ++closed_;
  current_end_ns_ += interval_.count();
}

void HdrIntervalRecorder::close_through(Time t) {
  const auto index =
      static_cast<std::size_t>(std::max<std::int64_t>(0, t.count()) / interval_.count());
  while (closed_ < index) close_current();
}

void HdrIntervalRecorder::finish(Time end) {
  close_through(end);
  const bool partial = end.count() > static_cast<std::int64_t>(closed_) * interval_.count();
  if (touched_ || partial) close_current();
}

void HdrIntervalRecorder::close_open() {
  if (touched_) close_current();
}

HdrIntervalLog::HdrIntervalLog(std::vector<std::string> strategies, Duration interval)
    : strategies_(std::move(strategies)) {
  for (std::size_t i = 0; i < strategies_.size(); ++i) {
    recorders_.push_back(std::make_unique<HdrIntervalRecorder>(interval));
  }
}

void HdrIntervalLog::write(std::ostream& out, const Header& header) {
  const std::string start = fixed_point(header.start_time_ms, 3, 3);
  out << header_line(header.comment) << "#[Histogram log format version 1.3]\n"
      << "#[StartTime: " << start << " (seconds since epoch), " << utc_date(header.start_time_ms)
      << "]\n"
      << "#[BaseTime: " << start << " (seconds since epoch)]\n"
      << "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_"
         "Histogram\"\n";

  std::size_t intervals = 0;
  for (auto& r : recorders_) {
    r->close_open();
    intervals = std::max(intervals, r->closed_intervals());
  }
  const std::string empty = hdr_compressed_base64(LatencyHistogram());
  std::vector<std::size_t> cursor(recorders_.size(), 0);
  std::string line;
  for (std::size_t i = 0; i < intervals; ++i) {
    for (std::size_t s = 0; s < recorders_.size(); ++s) {
      const HdrIntervalRecorder& r = *recorders_[s];
      if (i >= r.closed_intervals()) continue;
      const Duration step = r.interval();
      const int decimals = second_decimals(step);
      const std::string start_s =
          fixed_point(step.count() * static_cast<std::int64_t>(i), 9, decimals);
      const std::string length_s = fixed_point(step.count(), 9, decimals);
      for (int op = 0; op < kOpCount; ++op) {
        if (!r.used(static_cast<Op>(op))) continue;
        const auto& entries = r.entries();
        std::size_t& k = cursor[s];
        const bool has =
            k < entries.size() && entries[k].interval == i && entries[k].op == static_cast<Op>(op);
        line.assign("Tag=").append(strategies_[s]).append(".").append(op_name(static_cast<Op>(op)));
        line.append(",").append(start_s).append(",").append(length_s).append(",");
        line.append(fixed_point(has ? entries[k].max_us : 0, 3, 3)).append(",");
        line.append(has ? entries[k].histogram : empty).append("\n");
        out << line;
        if (has) ++k;
      }
    }
  }
}

std::string hdr_tag_problem(std::string_view strategy) {
  for (char c : strategy) {
    if (c == ',' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return "strategy name '" + std::string(strategy) +
             "' cannot be an HdrHistogram log tag (no commas, spaces or control characters)";
    }
  }
  return "";
}

}  // namespace likesim
