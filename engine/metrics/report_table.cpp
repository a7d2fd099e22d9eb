#include "engine/metrics/report_table.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace likesim {
namespace {

// Milliseconds from µs with three significant digits: "0.412", "41.2", "4120".
std::string ms(std::int64_t us) {
  const double v = static_cast<double>(us) / 1000.0;
  char buf[32];
  if (v < 10) {
    std::snprintf(buf, sizeof buf, "%.3f", v);
  } else if (v < 100) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

std::string ms(double v) { return ms(static_cast<std::int64_t>(v * 1000.0 + 0.5)); }

// A rate or count with k/M suffixes: "950", "12.3k", "1.05M".
std::string human(double v) {
  char buf[32];
  if (v >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  } else if (v >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

std::string hottest_backend(const StrategyReport& s) {
  double best = -1;
  std::string name = "-";
  char buf[48];
  for (const RedisNodeFigures& n : s.backends.redis_nodes) {
    if (n.utilisation > best && n.commands > 0) {
      best = n.utilisation;
      std::snprintf(buf, sizeof buf, "redis%d %.0f%%", n.node, 100.0 * n.utilisation);
      name = buf;
    }
  }
  if (s.backends.db_statements > 0 && s.backends.db_cpu_utilisation > best) {
    std::snprintf(buf, sizeof buf, "pg cpu %.0f%%", 100.0 * s.backends.db_cpu_utilisation);
    name = buf;
  }
  // A hot row can stall PostgreSQL with its CPUs idle: then the lock queue is the story.
  if (s.backends.db_row_lock_wait_p99_us >= 10'000 && s.backends.db_cpu_utilisation < 0.5) {
    name = "pg lock p99 " + ms(s.backends.db_row_lock_wait_p99_us) + "ms";
  }
  return name;
}

std::string slo_text(const StrategyReport& s) {
  if (s.slo.empty()) return "-";
  std::string failed;
  for (const SloVerdict& v : s.slo) {
    if (!v.pass) failed += (failed.empty() ? "" : ",") + v.name;
  }
  return failed.empty() ? "PASS" : "FAIL " + failed;
}

}  // namespace

std::string report_table(const RunReport& report) {
  const std::vector<std::string> header = {"strategy",   "like p50",  "like p99", "like p99.9",
                                           "count p50",  "count p99", "done/s",   "offered/s",
                                           "|drift|max", "stale p99", "lost",     "double",
                                           "dedup viol", "hottest",   "SLO"};
  std::vector<std::vector<std::string>> rows;
  for (const StrategyReport& s : report.strategies) {
    const OpFigures& like = s.op(Op::like);
    const OpFigures& count = s.op(Op::count);
    rows.push_back(
        {s.name, ms(like.latency_us.p50), ms(like.latency_us.p99), ms(like.latency_us.p999),
         ms(count.latency_us.p50), ms(count.latency_us.p99), human(s.throughput.completed_per_s),
         human(s.throughput.offered_per_s), human(static_cast<double>(s.drift.abs_max)),
         ms(s.drift.staleness_p99_ms), human(static_cast<double>(s.final.lost_likes)),
         human(static_cast<double>(s.final.double_counts)),
         human(static_cast<double>(s.final.dedup_violations)), hottest_backend(s), slo_text(s)});
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      // Names and verdicts read left to right; numbers line up on the right.
      const bool left = c == 0 || c + 2 >= cells.size();
      out += left ? cells[c] + pad : pad + cells[c];
      if (c + 1 < cells.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  char title[256];
  std::snprintf(title, sizeof title,
                "%s (seed %llu, %.0f s simulated; latency in ms from the intended send time)\n",
                report.scenario.name.c_str(), static_cast<unsigned long long>(report.scenario.seed),
                report.scenario.duration_s);
  std::string out = title + line(header);
  for (const auto& r : rows) out += line(r);
  return out;
}

}  // namespace likesim
