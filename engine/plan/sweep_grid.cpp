#include "engine/plan/sweep_grid.h"

#include <charconv>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace likesim {
namespace {

bool parse_int(absl::string_view s, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// Splits on commas outside double or single quotes, so a TOML string value may hold one.
std::vector<absl::string_view> split_values(absl::string_view s) {
  std::vector<absl::string_view> parts;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ',') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

// "a..b", "a..b*m" or "a..b+d" into values; false when `part` is not a range at all.
absl::Status expand_range(absl::string_view part, absl::string_view whole,
                          std::vector<std::string>& values, bool& is_range) {
  const std::size_t dots = part.find("..");
  is_range = dots != absl::string_view::npos && part.front() != '"' && part.front() != '\'';
  if (!is_range) return absl::OkStatus();
  const absl::string_view lo_text = part.substr(0, dots);
  absl::string_view rest = part.substr(dots + 2);
  char step_kind = '+';
  std::int64_t step = 1;
  if (const std::size_t at = rest.find_first_of("*+"); at != absl::string_view::npos) {
    step_kind = rest[at];
    if (!parse_int(rest.substr(at + 1), step)) step = 0;
    rest = rest.substr(0, at);
  }
  std::int64_t lo = 0, hi = 0;
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--vary ", whole, ": '", part, "': ", why,
                     " (ranges are integers: 1..8, 1..64*2, 0..100+25)"));
  };
  if (!parse_int(lo_text, lo) || !parse_int(rest, hi)) return bad("not an integer range");
  if (hi < lo) return bad("the range ends below its start");
  if (step_kind == '+' && step < 1) return bad("the step after + must be an integer >= 1");
  if (step_kind == '*' && (step < 2 || lo < 1)) {
    return bad("a *step must be an integer >= 2 and the range must start at 1 or more");
  }
  for (std::int64_t v = lo; v <= hi;) {
    values.push_back(std::to_string(v));
    if (values.size() > kMaxSweepRuns) return bad("too many values");
    if (step_kind == '*' ? v > hi / step : v > hi - step) break;  // the next one overflows hi
    v = step_kind == '*' ? v * step : v + step;
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> GridPoint::overrides() const {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const auto& [key, value] : values) out.push_back(key + "=" + value);
  return out;
}

absl::StatusOr<VaryAxis> parse_vary(absl::string_view text) {
  const std::size_t eq = text.find('=');
  VaryAxis axis;
  if (eq == absl::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--vary '", text, "': expected KEY=VALUES, e.g. ",
                     "strategy.sharded_counter.shards=1,2,4 or backends.redis.nodes=1..12"));
  }
  axis.key = std::string(absl::StripAsciiWhitespace(text.substr(0, eq)));
  for (absl::string_view part : split_values(text.substr(eq + 1))) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--vary ", text, ": an empty value"));
    }
    bool is_range = false;
    if (absl::Status s = expand_range(part, text, axis.values, is_range); !s.ok()) return s;
    if (!is_range) axis.values.emplace_back(part);
  }
  return axis;
}

absl::Status check_axes(const std::vector<VaryAxis>& axes) {
  std::size_t runs = 1;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (axes[i].key == axes[j].key) {
        return absl::InvalidArgumentError(
            absl::StrCat("--vary ", axes[i].key, " is given twice: list every value in one"));
      }
    }
    runs *= axes[i].values.size();
    if (runs > kMaxSweepRuns) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the --vary grid has more than ", kMaxSweepRuns, " runs: narrow it, or sweep in parts"));
    }
  }
  return absl::OkStatus();
}

std::vector<GridPoint> grid(const std::vector<VaryAxis>& axes) {
  std::vector<GridPoint> points(1);
  for (const VaryAxis& axis : axes) {  // each axis multiplies the points so far, innermost
    std::vector<GridPoint> next;
    next.reserve(points.size() * axis.values.size());
    for (const GridPoint& p : points) {
      for (const std::string& v : axis.values) {
        GridPoint q = p;
        q.values.emplace_back(axis.key, v);
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  for (std::size_t i = 0; i < points.size(); ++i) points[i].run = i;
  return points;
}

absl::StatusOr<Slice> parse_slice(absl::string_view text) {
  const std::size_t slash = text.find('/');
  std::int64_t k = 0, n = 0;
  if (slash == absl::string_view::npos || !parse_int(text.substr(0, slash), k) ||
      !parse_int(text.substr(slash + 1), n) || n < 1 || k < 1 || k > n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--shard '", text, "': expected K/N with 1 <= K <= N, e.g. 2/3 (the second of three)"));
  }
  return Slice{static_cast<std::size_t>(k), static_cast<std::size_t>(n)};
}

}  // namespace likesim
