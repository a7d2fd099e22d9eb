// The benchmarks' main(): Google Benchmark's, after the re-execution with glibc's huge pages
// that likesim itself does (engine/core/huge_pages.h), so a benchmark measures the engine as
// `likesim run` runs it.
#pragma once

#include <benchmark/benchmark.h>

#include "engine/core/huge_pages.h"

#define LIKESIM_BENCHMARK_MAIN()                              \
  int main(int argc, char** argv) {                           \
    likesim::reexec_with_huge_pages(argv);                    \
    benchmark::Initialize(&argc, argv);                       \
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) { \
      return 1;                                               \
    }                                                         \
    benchmark::RunSpecifiedBenchmarks();                      \
    benchmark::Shutdown();                                    \
    return 0;                                                 \
  }
