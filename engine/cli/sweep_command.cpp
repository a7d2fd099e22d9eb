#include "engine/cli/sweep_command.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "engine/cli/command_line.h"
#include "engine/cli/output_file.h"
#include "engine/cli/progress_printer.h"
#include "engine/plan/sweep_merge.h"
#include "engine/plan/sweep_runner.h"
#include "engine/plan/sweep_summary.h"

namespace po = boost::program_options;

namespace likesim {
namespace {

constexpr const char* kUsage =
    "Usage: likesim sweep SCENARIO.toml --vary KEY=VALUES [--vary ...] [--out FILE.csv|.json]\n"
    "       likesim sweep merge SLICE.csv... --out FILE.csv|.json\n"
    "\n"
    "Runs the scenario (simulated) at every combination of the --vary values, one run per\n"
    "strategy and combination, as many at once as there are cores, and writes one row per\n"
    "run: the knobs, like and count latency percentiles, throughput, drift, lost and double\n"
    "counted likes, the busiest backend and the SLO verdicts. A row is exactly what\n"
    "'likesim run --strategies NAME --set KEY=VALUE...' reports for the same point.\n"
    "\n"
    "VALUES: a list (1,2,4), a range (1..8), a range with a step (1..64*2 doubles, 0..100+25\n"
    "adds), or a mix (1..4,16). Values are TOML, as in --set.\n"
    "\n"
    "Rows are written as runs finish (the file is replaced whole, in run order, each time), so\n"
    "an interrupted sweep keeps its rows and --resume runs only the missing ones. --shard K/N\n"
    "runs the K-th of N slices (on another machine, say); 'likesim sweep merge' joins the\n"
    "slices' files into the table one process would have written. --emit-jobs prints one\n"
    "command per run, for GNU parallel, a Kubernetes Indexed Job or a Slurm array.\n"
    "Exit status: 0 every run done, 1 a run or a write failed, 2 bad input.\n"
    "\n"
    "Options";

constexpr const char* kExample =
    "\nExamples:\n"
    "  likesim sweep scenarios/celebrity.toml --strategies sharded_counter \\\n"
    "      --vary strategy.sharded_counter.shards=1..64*2 --vary backends.redis.nodes=3,6,12 \\\n"
    "      --out sweep.csv\n"
    "  likesim sweep scenarios/celebrity.toml --vary ... --out sweep.csv --emit-jobs \\\n"
    "      | parallel -j4 && likesim sweep merge sweep.csv.*-of-* --out sweep.csv\n";

struct Options {
  SweepSpec spec;
  std::vector<std::string> vary;
  std::string strategies, out, shard;
  std::uint64_t seed = 0;
  int jobs = 0;
  bool resume = false, overwrite = false, emit_jobs = false, quiet = false, has_seed = false;
};

// The file a slice of a sweep writes with --emit-jobs: "sweep.csv" -> "sweep.csv.3-of-8.csv".
std::string slice_path(const std::string& out, std::size_t k, std::size_t n) {
  const std::string ext = std::filesystem::path(out).extension().string();
  return out + "." + std::to_string(k) + "-of-" + std::to_string(n) + ext;
}

// `s` quoted for a POSIX shell when it needs it.
std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-+=.,/:@%") == std::string::npos) {
    return s;
  }
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// One command per run of the grid, each the same sweep restricted to that run.
int emit_jobs(const Options& o, std::size_t runs) {
  std::error_code ec;
  std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) self = "likesim";
  std::string common = shell_quote(self) + " sweep " + shell_quote(o.spec.scenario_path);
  for (const std::string& v : o.vary) common += " --vary " + shell_quote(v);
  for (const std::string& s : o.spec.overrides) common += " --set " + shell_quote(s);
  if (!o.strategies.empty()) common += " --strategies " + shell_quote(o.strategies);
  if (!o.spec.costs_path.empty()) common += " --costs " + shell_quote(o.spec.costs_path);
  for (std::size_t k = 1; k <= runs; ++k) {
    std::cout << common << " --shard " << k << "/" << runs << " --out "
              << shell_quote(slice_path(o.out, k, runs)) << " --resume -q\n";
  }
  std::cerr << "likesim sweep: " << runs << " commands; then: likesim sweep merge "
            << shell_quote(o.out) << ".*-of-" << runs << "* --out " << shell_quote(o.out) << "\n";
  return 0;
}

// The rows an earlier, interrupted run of this same sweep left in `path`; 2 after saying why
// they are not this sweep's.
int resume_rows(const std::string& path, const SweepCells& header,
                const std::vector<SweepJob>& jobs, SweepTable& table) {
  absl::StatusOr<SweepTable> old = read_table(path);
  absl::Status status = old.ok() ? check_rows(*old, path) : old.status();
  if (!status.ok()) {
    std::cerr << "likesim sweep: --resume: " << status.message() << "\n";
    return 2;
  }
  if (old->header != header) {
    std::cerr << "likesim sweep: --resume: " << path
              << ": its columns are another sweep's (other --vary keys); use another --out\n";
    return 2;
  }
  const std::size_t strategy = old->column("strategy");
  for (std::size_t i = 0; i < old->rows.size(); ++i) {
    SweepCells& row = old->rows[i];
    const auto job = std::find_if(jobs.begin(), jobs.end(), [&](const SweepJob& j) {
      return std::to_string(j.point.run) == row[kRunColumn] && j.strategy == row[strategy];
    });
    if (job == jobs.end() || row[kRunsColumn] != std::to_string(job->runs) ||
        row[kHashColumn] != job->config_hash) {
      std::cerr << "likesim sweep: --resume: " << path << ": row " << i + 1 << " (run "
                << row[kRunColumn] << ", " << row[strategy]
                << ") is not a run of this sweep (other values, --set or slice); use another "
                   "--out\n";
      return 2;
    }
    if (row.back().empty()) table.rows.push_back(std::move(row));  // a failed run runs again
  }
  return 0;
}

// Writes `text` to `path` through a temporary file and a rename, so that a sweep killed while
// writing leaves the previous table, never half of one.
bool replace_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  if (!write_output(tmp, text)) return false;
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

std::string eta_text(double seconds) {
  char buf[32];
  const long s = std::lround(seconds);
  std::snprintf(buf, sizeof buf, s >= 3600 ? "%ldh%02ldm" : "%ldm%02lds",
                s >= 3600 ? s / 3600 : s / 60, s >= 3600 ? s / 60 % 60 : s % 60);
  return buf;
}

constexpr const char* kMergeUsage =
    "Usage: likesim sweep merge SLICE... --out FILE.csv|.json\n"
    "\n"
    "Joins the tables of a sweep's slices (--shard K/N, --emit-jobs) into the table one\n"
    "process would have written. Refuses slices of different sweeps, a run in two slices,\n"
    "and a run in none (run or --resume the missing slice first).\n"
    "\n"
    "Options";

int merge_command(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string out;
  po::options_description visible(kMergeUsage);
  visible.add_options()("help,h", "show this help")("out,o", po::value(&out)->value_name("FILE"),
                                                    "the merged table (.csv or .json)");
  po::options_description hidden;
  hidden.add_options()("slice", po::value(&inputs)->composing());
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("slice", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "likesim sweep merge: " << e.what() << " (see likesim sweep merge --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible;
    return 0;
  }
  if (inputs.empty() || out.empty()) {
    std::cerr << "likesim sweep merge: needs the slices' files and --out FILE\n";
    return 2;
  }
  absl::StatusOr<TableFormat> format = table_format(out, "--out");
  std::vector<std::pair<std::string, SweepTable>> slices;
  for (const std::string& path : inputs) {
    if (!format.ok()) break;
    absl::StatusOr<SweepTable> t = read_table(path);
    absl::Status s = t.ok() ? check_rows(*t, path) : t.status();
    if (!s.ok()) {
      std::cerr << "likesim sweep merge: " << s.message() << "\n";
      return 2;
    }
    slices.emplace_back(path, *std::move(t));
  }
  absl::StatusOr<SweepTable> merged =
      format.ok() ? merge_tables(slices) : absl::StatusOr<SweepTable>(format.status());
  if (!merged.ok()) {
    std::cerr << "likesim sweep merge: " << merged.status().message() << "\n";
    return 2;
  }
  if (!replace_file(out, table_text(*merged, *format))) {
    std::cerr << "likesim sweep merge: cannot write '" << out << "'\n";
    return 1;
  }
  return 0;
}

int run_sweep(Options& o) {
  const char* me = "likesim sweep: ";
  for (const std::string& v : o.vary) {
    absl::StatusOr<VaryAxis> axis = parse_vary(v);
    if (!axis.ok()) {
      std::cerr << me << axis.status().message() << "\n";
      return 2;
    }
    o.spec.axes.push_back(*std::move(axis));
  }
  if (o.spec.axes.empty()) {
    std::cerr << me << "no --vary: name at least one KEY=VALUES (see likesim sweep --help)\n";
    return 2;
  }
  for (absl::string_view n : absl::StrSplit(o.strategies, ',', absl::SkipWhitespace())) {
    o.spec.strategies.emplace_back(absl::StripAsciiWhitespace(n));
  }
  if (o.has_seed) o.spec.overrides.push_back("seed=" + std::to_string(o.seed));
  Slice slice;
  if (!o.shard.empty()) {
    absl::StatusOr<Slice> s = parse_slice(o.shard);
    if (!s.ok()) {
      std::cerr << me << s.status().message() << "\n";
      return 2;
    }
    slice = *s;
  }
  TableFormat format = TableFormat::csv;
  if (!o.out.empty()) {
    absl::StatusOr<TableFormat> f = table_format(o.out, "--out");
    if (!f.ok()) {
      std::cerr << me << f.status().message() << "\n";
      return 2;
    }
    format = *f;
  } else if (o.resume || o.emit_jobs || !o.shard.empty()) {
    std::cerr << me << "--resume, --shard and --emit-jobs need --out FILE.csv|.json\n";
    return 2;
  }
  if (o.emit_jobs && !o.shard.empty()) {
    std::cerr << me << "--emit-jobs prints the slices itself: drop --shard\n";
    return 2;
  }
  std::vector<std::string> strategy_order;
  absl::StatusOr<std::vector<SweepJob>> jobs = sweep_jobs(o.spec, slice, &strategy_order);
  if (!jobs.ok()) {
    std::cerr << "likesim: " << jobs.status().message() << "\n";
    return 2;
  }
  const std::size_t runs = grid(o.spec.axes).size();
  if (o.emit_jobs) return emit_jobs(o, runs);

  SweepTable table{sweep_header(o.spec.axes), {}};
  std::error_code ec;
  if (!o.out.empty() && std::filesystem::exists(o.out, ec)) {
    if (o.resume) {
      if (const int rc = resume_rows(o.out, table.header, *jobs, table)) return rc;
    } else if (!o.overwrite) {
      std::cerr << me << "--out " << o.out
                << " exists: --resume to finish that sweep, or --overwrite to start again\n";
      return 2;
    }
  }
  std::set<std::pair<std::string, std::string>> done;
  const std::size_t strategy_column = table.column("strategy");
  for (const SweepCells& row : table.rows) done.insert({row[kRunColumn], row[strategy_column]});
  std::vector<SweepJob> pending_jobs;
  for (const SweepJob& j : *jobs) {
    if (!done.count({std::to_string(j.point.run), j.strategy})) pending_jobs.push_back(j);
  }
  if (!o.quiet) {
    std::cerr << "sweep: " << runs << " grid points"
              << (o.shard.empty() ? "" : ", slice " + o.shard) << ", " << jobs->size() << " runs ("
              << pending_jobs.size() << " to do)\n";
  }

  SweepProgress progress;
  const auto start = std::chrono::steady_clock::now();
  bool write_failed = false;
  std::size_t failed_runs = 0;
  {
    ProgressPrinter printer(
        "sweep",
        [&] {
          const double f = progress.fraction();
          const double wall =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          std::string bar(static_cast<std::size_t>(f * 20), '#');
          bar.resize(20, '.');
          char buf[160];
          std::snprintf(buf, sizeof buf, "[%s] %3.0f%%  %zu/%zu runs  elapsed %s  eta %s",
                        bar.c_str(), 100 * f, progress.done.load(), pending_jobs.size(),
                        eta_text(wall).c_str(), f > 0.01 ? eta_text(wall / f - wall).c_str() : "-");
          return std::string(buf);
        },
        !o.quiet && !pending_jobs.empty());
    run_sweep_jobs(
        o.spec, pending_jobs, o.jobs, &progress, [&](const SweepJob& job, SweepCells row) {
          if (!row.back().empty()) {
            ++failed_runs;
            printer.say("likesim sweep: run " + std::to_string(job.point.run) + " " + job.strategy +
                        " failed: " + row.back() + "\n");
          }
          table.rows.push_back(std::move(row));
          sort_rows(table, strategy_order);
          if (!o.out.empty() && !write_failed && !replace_file(o.out, table_text(table, format))) {
            write_failed = true;
            printer.say("likesim sweep: cannot write '" + o.out + "'\n");
          }
        });
    printer.finish();
  }
  if (o.out.empty()) {
    std::cout << table_text(table, TableFormat::csv);
  } else if (!write_failed && !replace_file(o.out, table_text(table, format))) {
    write_failed = true;  // the table of a sweep with nothing left to run is written here
  }
  if (write_failed) {
    std::cerr << me << "cannot write '" << o.out << "'\n";
    return 1;
  }
  if (!o.quiet && !o.out.empty()) {
    std::cout << sweep_summary(table) << "sweep: " << o.out << "\n";
  }
  return failed_runs > 0 ? 1 : 0;
}

}  // namespace

int sweep_command(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "merge") return merge_command(argc - 1, argv + 1);
  Options o;
  po::options_description visible(kUsage);
  visible.add_options()("help,h", "show this help")(
      "vary", po::value(&o.vary)->composing()->value_name("KEY=VALUES"),
      "a scenario key and its values (repeatable; the first is the outermost loop)")(
      "out,o", po::value(&o.out)->value_name("FILE"),
      "write the table to FILE (.csv or .json) as runs finish (default: CSV on stdout at the "
      "end)")("set", po::value(&o.spec.overrides)->composing()->value_name("KEY=VALUE"),
              "override a scenario value in every run (repeatable)")(
      "seed", po::value(&o.seed)->value_name("N"), "override the scenario's seed")(
      "strategies", po::value(&o.strategies)->value_name("A,B"),
      "sweep only these strategies (default: all of the scenario's)")(
      "costs", po::value(&o.spec.costs_path)->value_name("FILE"),
      "a cost file from 'likesim calibrate' for every run")(
      "jobs,j", po::value(&o.jobs)->value_name("N"),
      "runs at once (default: one per core); the rows do not change")(
      "resume", "keep the rows already in --out and run only the missing ones")(
      "overwrite", "replace an existing --out instead of refusing")(
      "shard", po::value(&o.shard)->value_name("K/N"),
      "run only the K-th of N slices of the grid (runs K-1, K-1+N, ...)")(
      "emit-jobs", "print one command per run (for GNU parallel, Slurm, Kubernetes) and exit")(
      "quiet,q", "no progress line and no summary");
  po::variables_map vm;
  if (!parse_command_line(argc, argv, visible, "scenario", o.spec.scenario_path, "sweep", vm)) {
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible << kExample;
    return 0;
  }
  if (o.spec.scenario_path.empty()) {
    std::cerr << "likesim sweep: missing SCENARIO (a .toml file, e.g. scenarios/celebrity.toml)\n";
    return 2;
  }
  if (o.jobs < 0) {
    std::cerr << "likesim sweep: --jobs must be >= 0\n";
    return 2;
  }
  o.resume = vm.count("resume") > 0;
  o.overwrite = vm.count("overwrite") > 0;
  o.emit_jobs = vm.count("emit-jobs") > 0;
  o.quiet = vm.count("quiet") > 0;
  o.has_seed = vm.count("seed") > 0;
  return run_sweep(o);
}

}  // namespace likesim
