#include "engine/plan/sweep_summary.h"

#include <algorithm>
#include <vector>

namespace likesim {

std::string sweep_summary(const SweepTable& table) {
  std::vector<std::size_t> columns;
  std::vector<std::string> titles;
  const std::size_t strategy = table.column("strategy");
  for (std::size_t i = kHashColumn + 1; i < strategy && i < table.header.size(); ++i) {
    const std::string& key = table.header[i];  // an axis: its last name is enough on screen
    columns.push_back(i);
    titles.push_back(key.substr(key.rfind('.') + 1));
  }
  const std::pair<const char*, const char*> figures[] = {
      {"strategy", "strategy"},         {"like_p99_ms", "like p99 ms"},
      {"count_p99_ms", "count p99 ms"}, {"done_per_s", "done/s"},
      {"lost_likes", "lost"},           {"double_counts", "double"},
      {"hottest", "hottest"},           {"slo", "SLO"},
      {"slo_failed", "failed"},         {"error", "error"}};
  for (const auto& [name, title] : figures) {
    columns.push_back(table.column(name));
    titles.push_back(title);
  }
  const auto cell = [&](const SweepCells& row, std::size_t c) -> std::string {
    if (c >= row.size()) return "-";
    const std::string& v = row[c];
    if (table.header[c] == "done_per_s" && !v.empty()) {  // whole likes per second suffice
      return std::to_string(std::llround(std::stod(v)));
    }
    return v;
  };
  std::vector<std::size_t> width(columns.size());
  for (std::size_t k = 0; k < columns.size(); ++k) {
    width[k] = titles[k].size();
    for (const SweepCells& row : table.rows)
      width[k] = std::max(width[k], cell(row, columns[k]).size());
  }
  std::string out;
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      std::string c = cells[k];
      c.resize(std::max(c.size(), width[k]), ' ');
      l += (k ? "  " : "") + c;
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(titles);
  for (const SweepCells& row : table.rows) {
    std::vector<std::string> cells;
    for (std::size_t c : columns) cells.push_back(cell(row, c));
    line(cells);
  }
  return out;
}

}  // namespace likesim
