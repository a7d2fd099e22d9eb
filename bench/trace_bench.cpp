// Trace write and read speed, and that reading streams: a synthetic steady-like stream (100 k
// posts, 100 M users, ~5 µs apart, every op, a retry in 20) written to a temp file and read
// back through open_trace_file, as `likesim replay` does. Figures: events_per_s of each (the
// binary read's target is >= 50 M/s on one core), bytes_per_event of the file, and
// peak_rss_mb of the process (getrusage): it must not grow with the trace's length (compare
// the 10 M and 100 M runs). CSV is measured for reference.
//
//   build/trace_bench --benchmark_filter=Binary
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>

#include "bench/bench_main.h"
#include "workloads/trace_reader.h"
#include "workloads/trace_writer.h"

namespace likesim {
namespace {

double peak_rss_mb() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// The i-th request of the synthetic stream (a cheap hash, so generation costs little).
struct Stream {
  std::uint64_t s = 0x9e3779b97f4a7c15ull;
  std::int64_t t = 0;
  RequestId id = 0;
  std::uint64_t next_u64() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  Request next() {
    const std::uint64_t x = next_u64();
    Request r;
    t += static_cast<std::int64_t>(x % 10'000);  // 0..10 µs apart
    r.intended = Time(t);
    const unsigned op = static_cast<unsigned>((x >> 14) % 20);
    r.op = op < 2    ? Op::like
           : op < 3  ? Op::unlike
           : op < 16 ? Op::count
           : op < 19 ? Op::status
                     : Op::batch_count;
    r.post = static_cast<PostId>(1 + (x >> 20) % 100'000);
    r.user = static_cast<UserId>(1 + (x >> 24) % 100'000'000);
    r.retry = (x >> 60) == 0;
    r.id = r.retry && id > 3 ? id - 3 : ++id;
    if (r.op == Op::batch_count) r.batch = 20;
    return r;
  }
};

std::string trace_path(const char* ext) {
  return (std::filesystem::temp_directory_path() / (std::string("likesim_trace_bench") + ext))
      .string();
}

void write_trace(const std::string& path, TraceFormat format, std::int64_t n) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  auto writer = make_trace_writer(out, format);
  Stream stream;
  for (std::int64_t i = 0; i < n; ++i) writer->write(stream.next());
  writer->finish();
}

void BM_TraceWrite(benchmark::State& state, TraceFormat format, const char* ext) {
  const std::int64_t n = state.range(0);
  const std::string path = trace_path(ext);
  for (auto _ : state) write_trace(path, format, n);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes_per_event"] =
      static_cast<double>(std::filesystem::file_size(path)) / static_cast<double>(n);
  state.counters["peak_rss_mb"] = peak_rss_mb();
}

void BM_TraceRead(benchmark::State& state, TraceFormat format, const char* ext) {
  const std::int64_t n = state.range(0);
  const std::string path = trace_path(ext);
  write_trace(path, format, n);
  std::uint64_t sum = 0;
  for (auto _ : state) {
    auto reader = open_trace_file(path, format == TraceFormat::binary ? "binary" : "csv");
    Request r;
    std::int64_t read = 0;
    while (reader->next(r)) {
      sum += r.user;
      ++read;
    }
    if (read != n) state.SkipWithError("short read");
  }
  benchmark::DoNotOptimize(sum);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_rss_mb"] = peak_rss_mb();
  std::filesystem::remove(path);
}

BENCHMARK_CAPTURE(BM_TraceWrite, binary, TraceFormat::binary, ".bin")
    ->Arg(10'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_TraceRead, binary, TraceFormat::binary, ".bin")
    ->Arg(10'000'000)
    ->Arg(100'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_TraceWrite, csv, TraceFormat::csv, ".csv")
    ->Arg(10'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_TraceRead, csv, TraceFormat::csv, ".csv")
    ->Arg(10'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace likesim

LIKESIM_BENCHMARK_MAIN()
