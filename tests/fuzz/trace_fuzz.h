// The body the three trace fuzz targets share: read arbitrary bytes as a trace of one format.
// Every input either yields requests or stops with a TraceError naming where; nothing else may
// escape, crash or hang, and what it yields keeps the stream's promises (times never go back,
// ops and batch sizes in range, no more requests than the bytes can hold).
//
//   extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* d, std::size_t n) {
//     return likesim::fuzz_trace(d, n, likesim::TraceFormat::csv);
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "workloads/trace_reader.h"

namespace likesim {

inline int fuzz_trace(const std::uint8_t* data, std::size_t size, TraceFormat format) {
  auto in = std::make_unique<std::istringstream>(
      std::string(reinterpret_cast<const char*>(data), size), std::ios::binary);
  CascadeOptions cascade;  // copies and reads, so the cascade reader's merge is exercised
  cascade.replicate = 3;
  cascade.compress = 10;
  try {
    std::unique_ptr<TraceReader> reader = open_trace(std::move(in), "fuzz.trace", format, cascade);
    Request r;
    Time last{0};
    // A few requests per byte at most (a cascade's copies and reads aside): a reader that
    // yields more is inventing them.
    const std::size_t limit = 64 * (size + 1) * (cascade.replicate + 1);
    std::size_t n = 0;
    while (reader->next(r)) {
      if (r.intended < last || ++n > limit) std::abort();
      if (static_cast<int>(r.op) >= kOpCount) std::abort();
      if (r.op == Op::batch_count && (r.batch < 1 || r.batch > kMaxBatchPosts)) std::abort();
      last = r.intended;
    }
  } catch (const TraceError& e) {
    if (std::string(e.what()).rfind("fuzz.trace", 0) != 0) std::abort();  // must say where
  }
  return 0;
}

}  // namespace likesim
