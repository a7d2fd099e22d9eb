#include "workloads/cascade_trace_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>

#include "workloads/trace_format.h"

namespace likesim {
namespace {

// The column holding the time in seconds, or -1.
int time_column(const std::vector<std::string_view>& header) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "relative_time_second" || header[i] == "time") return static_cast<int>(i);
  }
  return -1;
}

std::string shortest(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

CascadeTraceReader::CascadeTraceReader(std::unique_ptr<std::istream> in, std::string name,
                                       const CascadeOptions& options)
    : lines_(std::move(in), std::move(name)),
      options_(options),
      draws_(options.seed, "workload.replay.cascade"),
      fans_(mix64(options.seed ^ fnv1a("workload.replay.fans")),
            std::max<std::uint32_t>(options.users, 1)) {
  options_.users = std::max<std::uint32_t>(options_.users, 1);
}

bool CascadeTraceReader::is_cascade_header(std::string_view header) {
  std::vector<std::string_view> fields;
  LineReader::split(header, fields, 16);
  return time_column(fields) >= 0;
}

void CascadeTraceReader::load() {
  loaded_ = true;
  const CascadeOptions& o = options_;
  const auto bad_option = [&](const std::string& what) {
    throw TraceError(lines_.name() + ": " + what);
  };
  if (!(o.compress > 0) || !std::isfinite(o.compress)) bad_option("compress must be > 0");
  if (o.replicate < 1) bad_option("replicate must be >= 1");
  if (!(o.jitter_s >= 0) || o.jitter_s > 1e9) bad_option("jitter_s must be in 0..1e9");
  if (!(o.reads_per_like >= 0) || o.reads_per_like > 1000) {
    bad_option("reads_per_like must be in 0..1000");
  }
  if (std::uint64_t{o.first_post} + o.replicate - 1 > std::numeric_limits<PostId>::max()) {
    bad_option("the copies' posts first_post..first_post+replicate-1 go past post 4294967295");
  }

  std::string_view line;
  if (!lines_.next(line)) {
    throw TraceError(lines_.name() +
                     ": empty (a cascade file starts with a header such as "
                     "relative_time_second,number_of_followers)");
  }
  std::vector<std::string_view> fields;
  if (!LineReader::split(line, fields, 64)) lines_.fail("header", "more than 64 columns");
  const int column = time_column(fields);
  if (column < 0) {
    lines_.fail("header", "no time column (expected relative_time_second or time, got " +
                              LineReader::quote(line) + ")");
  }
  const std::size_t columns = fields.size();
  const std::string time_name(fields[static_cast<std::size_t>(column)]);
  double last_s = 0;
  bool root = true;
  while (lines_.next(line)) {
    if (line.empty()) continue;
    if (!LineReader::split(line, fields, columns) || fields.size() != columns) {
      lines_.fail("", "expected " + std::to_string(columns) + " columns like the header");
    }
    const std::string_view text = fields[static_cast<std::size_t>(column)];
    double s = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(s) || s < 0) {
      lines_.fail(time_name, "expected seconds >= 0, got " + LineReader::quote(text));
    }
    if (s < last_s) {
      lines_.fail(time_name, "goes backwards (" + shortest(s) + " s after " + shortest(last_s) +
                                 " s; a cascade is in time order)");
    }
    last_s = s;
    if (root) {  // the original post, not a like
      root = false;
      continue;
    }
    const double ns = s * 1e9 / o.compress;
    if (!(ns < static_cast<double>(trace_format::kMaxTimeNs) / 2)) {
      lines_.fail(time_name, "beyond 2^61 ns after compression");
    }
    if (times_ns_.size() == kMaxRows) {
      lines_.fail("", "more than " + std::to_string(kMaxRows) +
                          " rows: a cascade file holds one post's events");
    }
    times_ns_.push_back(static_cast<std::int64_t>(std::llround(ns)));
  }
  if (times_ns_.empty()) return;

  jitter_ns_.resize(o.replicate);
  position_.assign(o.replicate, 0);
  RandomStream jitter(o.seed, "workload.replay.jitter");
  for (std::uint32_t k = 0; k < o.replicate; ++k) {
    jitter_ns_[k] = static_cast<std::int64_t>(jitter.uniform01() * o.jitter_s * 1e9);
    push_copy(k);
  }
}

void CascadeTraceReader::push_copy(std::uint32_t copy) {
  const std::uint32_t i = position_[copy];
  if (i >= times_ns_.size()) return;
  heap_.push_back(Head{times_ns_[i] + jitter_ns_[copy], copy});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
}

bool CascadeTraceReader::next(Request& out) {
  if (!loaded_) load();
  if (reads_pending_ > 0) {  // a count read right after its like
    --reads_pending_;
    out = last_like_;
    out.op = Op::count;
    out.user = static_cast<UserId>(draws_.uniform_int(options_.users) + 1);
    out.id = next_id_++;
    return true;
  }
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
  const Head h = heap_.back();
  heap_.pop_back();
  const std::uint64_t index =
      static_cast<std::uint64_t>(h.copy) * times_ns_.size() + position_[h.copy]++;
  push_copy(h.copy);

  Request r;
  r.intended = Time(h.ns);
  r.id = next_id_++;
  r.post = options_.first_post + h.copy;
  // Distinct users over every copy while they last, then the same users again.
  r.user = fans_(static_cast<std::uint32_t>(index % options_.users)) + 1;
  r.op = Op::like;
  const double whole = std::floor(options_.reads_per_like);
  reads_pending_ = static_cast<std::uint32_t>(whole) +
                   (draws_.bernoulli(options_.reads_per_like - whole) ? 1 : 0);
  last_like_ = r;
  out = r;
  return true;
}

}  // namespace likesim
