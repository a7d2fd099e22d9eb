#include "engine/metrics/report_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace likesim {
namespace {

// v with three significant digits and no exponent: 0.412, 1.50, 41.2, 412; 4120 (integers
// from 1000 up keep all their digits).
std::string three_digits(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  const double a = std::fabs(v);
  const int decimals = a < 0.9995 ? 3 : a < 9.995 ? 2 : a < 99.95 ? 1 : 0;
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Milliseconds from µs: "0" for nothing, else three significant digits.
std::string ms(std::int64_t us) {
  return us == 0 ? "0" : three_digits(static_cast<double>(us) / 1000.0);
}
std::string ms(double v) { return v == 0 ? "0" : three_digits(v); }

// A rate with k/M/G suffixes and three significant digits: "950", "12.3k", "1.05M".
std::string rate(double v) {
  static constexpr const char* kSuffix[] = {"", "k", "M", "G"};
  if (!std::isfinite(v)) return "-";
  int s = 0;
  // Compare with the rounding edge so 999,999/s reads "1.00M", not "1000k".
  while (s < 3 && std::fabs(v) >= 999.5) {
    v /= 1000.0;
    ++s;
  }
  if (s == 0) return std::to_string(static_cast<long long>(std::llround(v)));
  char buf[32];
  const double a = std::fabs(v);  // in [0.9995, 999.5)
  std::snprintf(buf, sizeof buf, "%.*f%s", a < 9.995 ? 2 : a < 99.95 ? 1 : 0, v, kSuffix[s]);
  return buf;
}

// Exact counts (lost likes are never rounded).
std::string exact(std::uint64_t n) { return std::to_string(n); }
std::string exact(std::int64_t n) { return std::to_string(n); }

std::string slo_text(const StrategyReport& s) {
  if (s.slo.empty()) return "-";
  std::string failed;
  for (const SloVerdict& v : s.slo) {
    if (!v.pass) failed += (failed.empty() ? "" : ",") + v.name;
  }
  return failed.empty() ? "PASS" : "FAIL " + failed;
}

}  // namespace

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

// Answers of every operation that contradicted the truth when they were given.
std::uint64_t wrong_answers(const StrategyReport& s) {
  std::uint64_t n = 0;
  for (const OpFigures& o : s.ops) n += o.wrong_answers;
  return n;
}

std::string report_table(const RunReport& report) {
  const std::vector<std::string> header = {"strategy",   "like p50",  "like p99", "like p99.9",
                                           "count p50",  "count p99", "done/s",   "offered/s",
                                           "|drift|max", "stale p99", "lost",     "double",
                                           "dedup viol", "wrong",     "hottest",  "SLO"};
  std::vector<std::vector<std::string>> rows;
  for (const StrategyReport& s : report.strategies) {
    const OpFigures& like = s.op(Op::like);
    const OpFigures& count = s.op(Op::count);
    rows.push_back({s.name, ms(like.latency_us.p50), ms(like.latency_us.p99),
                    ms(like.latency_us.p999), ms(count.latency_us.p50), ms(count.latency_us.p99),
                    rate(s.throughput.completed_per_s), rate(s.throughput.offered_per_s),
                    exact(s.drift.abs_max), ms(s.drift.staleness_p99_ms), exact(s.final.lost_likes),
                    exact(s.final.double_counts), exact(s.final.dedup_violations),
                    exact(wrong_answers(s)), hottest_backend(s), slo_text(s)});
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
                "%s (seed %llu, %.0f s %s; latency in ms from the intended send time)\n",
                report.scenario.name.c_str(), static_cast<unsigned long long>(report.scenario.seed),
                report.scenario.duration_s,
                report.scenario.backend == "real" ? "against real servers" : "simulated");
  std::string out = title + line(header);
  for (const auto& r : rows) out += line(r);
  for (const StrategyReport& s : report.strategies) {
    // Client retries: the load the clients offered against the requests they meant.
    if (!s.client.enabled) continue;
    const ClientRetryFigures& c = s.client;
    out += "retries: " + s.name + ": " + exact(c.sends) + " sends for " + exact(c.originals) +
           " requests (x" + three_digits(c.amplification) + ", peak interval x" +
           three_digits(c.peak_interval_amplification) + "); " + exact(c.timeouts) + " timeouts, " +
           exact(c.retries) + " retries, " + exact(c.budget_refused) + " refused by the budget, " +
           exact(c.failed_attempts) + " failed after all attempts\n";
  }
  for (const StrategyReport& s : report.strategies) {
    for (const std::string& w : s.warnings) out += "warning: " + s.name + ": " + w + "\n";
    for (int i = 0; i < kOpCount; ++i) {  // latencies past the histograms' 1 h top
      if (const std::uint64_t n = s.ops[i].latency_us.overflows; n > 0) {
        out += "warning: " + s.name + ": " + std::to_string(n) + " " +
               std::string(op_name(static_cast<Op>(i))) +
               " latencies above 1 h, counted as 1 h: its percentiles and max are lower bounds\n";
      }
    }
  }
  if (!report.assumptions.empty()) {
    // One line: the unmeasured defaults these figures rest on (sources in the JSON report).
    out += "assumed costs (no measurement here):";
    for (const AssumedCost& a : report.assumptions) {
      char value[32];
      std::snprintf(value, sizeof value, "%g", a.value);
      out += " " + a.key.substr(a.key.find('.') + 1) + "=" + value;
    }
    out += "\n";
  }
  return out;
}

}  // namespace likesim
