#include "engine/plan/sweep_table.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/metrics/report_table.h"

namespace likesim {
namespace {

// The figures of a row, after the strategy's name. Units in the names; counts are exact.
constexpr const char* kFigureColumns[] = {
    "strategy",     "like_p50_ms",         "like_p99_ms",   "like_p999_ms",     "count_p50_ms",
    "count_p99_ms", "done_per_s",          "offered_per_s", "drift_abs_max",    "stale_p99_ms",
    "lost_likes",   "lost_unlikes",        "double_counts", "dedup_violations", "wrong_answers",
    "hottest",      "busiest_utilisation", "slo",           "slo_failed",       "error"};
constexpr std::size_t kFigureCount = std::size(kFigureColumns);

// The shortest decimal that reads back as `v`, never in exponent form (CSV readers and
// spreadsheets agree on it).
std::string number(double v) {
  char buf[400];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : "nan";
}
std::string ms(std::int64_t us) { return number(static_cast<double>(us) / 1000.0); }

SweepCells row_start(const GridPoint& point, std::size_t runs, const std::string& config_hash) {
  SweepCells cells{std::to_string(point.run), std::to_string(runs), config_hash};
  for (const auto& kv : point.values) cells.push_back(kv.second);
  return cells;
}

std::string csv_cell(const std::string& cell) {
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One CSV record from `text` at `pos` (quoted cells may hold commas, quotes and newlines).
bool parse_csv_record(const std::string& text, std::size_t& pos, SweepCells& cells) {
  cells.assign(1, {});
  bool quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c != '"') {
        cells.back() += c;
      } else if (pos < text.size() && text[pos] == '"') {
        cells.back() += '"';
        ++pos;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (c == '\n') {
      return true;
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  return !quoted;
}

// Columns that hold text even when it looks like a number (a hash of digits only).
bool is_text_column(absl::string_view name) {
  for (absl::string_view t : {"config_hash", "strategy", "hottest", "slo", "slo_failed", "error"}) {
    if (name == t) return true;
  }
  return false;
}

// A cell that is a JSON number in the form this file writes (digits, a sign, a point).
bool is_number(const std::string& cell) {
  if (cell.empty() || cell == "-") return false;
  double v = 0;
  const auto [end, ec] =
      std::from_chars(cell.data(), cell.data() + cell.size(), v, std::chars_format::fixed);
  const std::size_t digits = cell[0] == '-' ? 1 : 0;
  const bool leading_zero =
      cell.size() > digits + 1 && cell[digits] == '0' && cell[digits + 1] != '.';
  return ec == std::errc() && end == cell.data() + cell.size() && !leading_zero &&
         cell.find_first_not_of("-0123456789.") == std::string::npos;
}

absl::StatusOr<SweepTable> parse_csv(const std::string& text, const std::string& path) {
  SweepTable table;
  std::size_t pos = 0, line = 1;
  SweepCells cells;
  if (!parse_csv_record(text, pos, table.header) || table.header.size() < 4) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":1: not a likesim sweep table"));
  }
  while (pos < text.size()) {
    ++line;
    if (!parse_csv_record(text, pos, cells)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": unterminated quote"));
    }
    if (cells.size() == 1 && cells[0].empty()) continue;  // a blank line
    if (cells.size() != table.header.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line, ": ", cells.size(), " cells, the header has ", table.header.size()));
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

absl::StatusOr<SweepTable> parse_json(const std::string& text, const std::string& path) {
  const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a likesim sweep table (a JSON array of rows)"));
  }
  SweepTable table;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": row ", i, ": ", why));
    };
    if (!doc[i].is_object()) return bad("not an object");
    SweepCells names, cells;
    for (const auto& [key, value] : doc[i].items()) {
      names.push_back(key);
      if (value.is_string()) {
        cells.push_back(value.get<std::string>());
      } else if (value.is_number_integer()) {
        cells.push_back(value.dump());
      } else if (value.is_number()) {
        cells.push_back(number(value.get<double>()));
      } else {
        return bad(absl::StrCat("'", key, "' is neither a number nor a string"));
      }
    }
    if (i == 0) table.header = names;
    if (names != table.header) return bad("its keys differ from the first row's");
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace

std::size_t SweepTable::column(absl::string_view name) const {
  return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
}

SweepCells sweep_header(const std::vector<VaryAxis>& axes) {
  SweepCells h{"run", "runs", "config_hash"};
  for (const VaryAxis& a : axes) h.push_back(a.key);
  h.insert(h.end(), std::begin(kFigureColumns), std::end(kFigureColumns));
  return h;
}

SweepCells sweep_row(const GridPoint& point, std::size_t runs, const std::string& config_hash,
                     const StrategyReport& s) {
  SweepCells c = row_start(point, runs, config_hash);
  const OpFigures& like = s.op(Op::like);
  const OpFigures& count = s.op(Op::count);
  std::vector<std::string> failed;
  for (const SloVerdict& v : s.slo) {
    if (!v.pass) failed.push_back(v.name);
  }
  c.insert(
      c.end(),
      {s.name,
       ms(like.latency_us.p50),
       ms(like.latency_us.p99),
       ms(like.latency_us.p999),
       ms(count.latency_us.p50),
       ms(count.latency_us.p99),
       number(s.throughput.completed_per_s),
       number(s.throughput.offered_per_s),
       std::to_string(s.drift.abs_max),
       number(s.drift.staleness_p99_ms),
       std::to_string(s.final.lost_likes),
       std::to_string(s.final.lost_unlikes),
       std::to_string(s.final.double_counts),
       std::to_string(s.final.dedup_violations),
       std::to_string(wrong_answers(s)),
       hottest_backend(s),
       number(std::max(s.backends.redis_busiest_node_utilisation, s.backends.db_cpu_utilisation)),
       s.slo.empty() ? "-" : (failed.empty() ? "PASS" : "FAIL"),
       absl::StrJoin(failed, ";"),
       ""});
  return c;
}

SweepCells failed_row(const GridPoint& point, std::size_t runs, const std::string& config_hash,
                      const std::string& strategy, const std::string& error) {
  SweepCells c = row_start(point, runs, config_hash);
  c.push_back(strategy);
  c.resize(c.size() + kFigureCount - 2);
  c.push_back(error);
  return c;
}

absl::StatusOr<TableFormat> table_format(const std::string& path, absl::string_view flag) {
  const auto ends_with = [&](absl::string_view ext) {
    return path.size() > ext.size() && absl::EndsWith(path, ext);
  };
  if (ends_with(".csv")) return TableFormat::csv;
  if (ends_with(".json")) return TableFormat::json;
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " ", path, ": the file name must end in .csv or .json"));
}

std::string table_text(const SweepTable& table, TableFormat format) {
  std::string out;
  if (format == TableFormat::csv) {
    const auto record = [&](const SweepCells& cells) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        out += csv_cell(cells[i]);
      }
      out += '\n';
    };
    record(table.header);
    for (const SweepCells& row : table.rows) record(row);
    return out;
  }
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  for (const SweepCells& row : table.rows) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string& name = table.header[i];
      const std::string& cell = row[i];
      if (is_text_column(name) || !is_number(cell)) {
        o[name] = cell;
      } else if (cell.find('.') == std::string::npos) {
        o[name] = nlohmann::ordered_json::parse(cell);  // integers stay integers
      } else {
        o[name] = std::stod(cell);
      }
    }
    doc.push_back(std::move(o));
  }
  return doc.dump(1) + "\n";
}

absl::Status check_rows(const SweepTable& table, const std::string& path) {
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const SweepCells& row = table.rows[i];
    std::uint64_t run = 0, runs = 0;
    const auto whole = [](const std::string& c, std::uint64_t& v) {
      const auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), v);
      return ec == std::errc() && end == c.data() + c.size() && !c.empty();
    };
    if (row.size() != table.header.size() || !whole(row[kRunColumn], run) ||
        !whole(row[kRunsColumn], runs) || run >= runs) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": row ", i + 1, ": run and runs must be whole numbers, run < runs"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SweepTable> read_table(const std::string& path) {
  absl::StatusOr<TableFormat> format = table_format(path, "sweep table");
  if (!format.ok()) return format.status();
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::ostringstream text;
  text << in.rdbuf();
  return *format == TableFormat::csv ? parse_csv(text.str(), path) : parse_json(text.str(), path);
}

void sort_rows(SweepTable& table, const std::vector<std::string>& strategy_order) {
  const std::size_t strategy = table.column("strategy");
  const auto key = [&](const SweepCells& row) {
    const auto at = std::find(strategy_order.begin(), strategy_order.end(),
                              strategy < row.size() ? row[strategy] : std::string());
    return std::make_tuple(std::stoull(row[kRunColumn]), at - strategy_order.begin(),
                           strategy < row.size() ? row[strategy] : std::string());
  };
  std::stable_sort(table.rows.begin(), table.rows.end(),
                   [&](const SweepCells& a, const SweepCells& b) { return key(a) < key(b); });
}

}  // namespace likesim
