#include "workloads/cascade_sizes.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace likesim {

namespace {

bool parse_uint(std::string_view field, std::uint64_t& out) {
  if (field.empty()) return false;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), out);
  return ec == std::errc() && end == field.data() + field.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

absl::StatusOr<CascadeSizes> CascadeSizes::from_file(const std::string& path, double scale) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot open the cascade sizes file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, scale);
}

absl::StatusOr<CascadeSizes> CascadeSizes::parse(std::string_view text, std::string_view name,
                                                 double scale) {
  CascadeSizes sizes;
  sizes.scale_ = scale;
  const auto error = [&](std::size_t line, std::string_view field, const std::string& what) {
    return absl::InvalidArgumentError(std::string(name) + ":" + std::to_string(line) + ": " +
                                      std::string(field) + ": " + what);
  };
  const auto quoted = [](std::string_view s) { return "\"" + std::string(s) + "\""; };
  std::size_t line = 0;
  bool header = false;
  double sum = 0;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    std::string_view row = trim(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line;
    if (line == 1 && row.substr(0, 3) == "\xEF\xBB\xBF") row.remove_prefix(3);  // a UTF-8 BOM
    if (row.empty()) continue;
    if (!header) {
      if (row != "cascade_id,size") {
        return error(line, "header", "expected \"cascade_id,size\", got " + quoted(row));
      }
      header = true;
      continue;
    }
    const std::size_t comma = row.find(',');
    if (comma == std::string_view::npos || row.find(',', comma + 1) != std::string_view::npos) {
      return error(line, "row", "expected 2 fields (cascade_id,size), got " + quoted(row));
    }
    const std::string_view id = trim(row.substr(0, comma));
    const std::string_view size = trim(row.substr(comma + 1));
    std::uint64_t value = 0;
    if (!parse_uint(id, value)) {
      return error(line, "cascade_id", "expected an integer, got " + quoted(id));
    }
    if (!parse_uint(size, value) || value == 0) {
      return error(line, "size", "expected a positive integer, got " + quoted(size));
    }
    sizes.sizes_.push_back(static_cast<double>(value));
    sum += static_cast<double>(value);
  }
  if (!header)
    return error(line == 0 ? 1 : line, "header", "expected \"cascade_id,size\", got an empty file");
  if (sizes.sizes_.empty()) return error(line, "size", "no cascades in the file");
  sizes.mean_ = sum / static_cast<double>(sizes.sizes_.size()) * scale;
  return sizes;
}

CascadeSizes CascadeSizes::power_law(double alpha, double min, double max, double scale) {
  CascadeSizes sizes;
  sizes.alpha_ = alpha;
  sizes.min_ = min;
  sizes.max_ = max;
  sizes.scale_ = scale;
  sizes.tail_ = 1.0 - std::pow(min / max, alpha);
  // E[size] of the truncated Pareto (alpha = 1: its logarithmic limit); a point at min = max.
  double mean = min;
  if (max > min) {
    const double r = min / max;
    mean = std::abs(alpha - 1) < 1e-12
               ? min * std::log(max / min) / sizes.tail_
               : alpha / (alpha - 1) * min * (1.0 - std::pow(r, alpha - 1)) / sizes.tail_;
  }
  sizes.mean_ = mean * scale;
  return sizes;
}

absl::StatusOr<CascadeSizes> CascadeSizes::from_config(const HawkesConfig& config) {
  if (!config.sizes_file.empty()) return from_file(config.sizes_file, config.size_scale);
  return power_law(config.size_alpha, config.size_min, config.size_max, config.size_scale);
}

double CascadeSizes::sample(RandomStream& rng) const {
  if (!sizes_.empty()) return sizes_[rng.uniform_int(sizes_.size())] * scale_;
  if (!(max_ > min_)) return min_ * scale_;
  // Inverse of the truncated CDF 1 - (min/s)^alpha over [min, max].
  return min_ * std::pow(1.0 - rng.uniform01() * tail_, -1.0 / alpha_) * scale_;
}

}  // namespace likesim
