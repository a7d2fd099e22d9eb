// Fuzz target: the CSV trace reader on arbitrary bytes. Every input either yields requests
// or stops with a TraceError naming where; nothing else may escape, crash or hang, and what it
// yields keeps the stream's promises (times never go back, ids and ops in range).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "workloads/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace likesim;
  auto in = std::make_unique<std::istringstream>(
      std::string(reinterpret_cast<const char*>(data), size), std::ios::binary);
  CascadeOptions cascade;
  cascade.replicate = 3;
  cascade.compress = 10;
  try {
    std::unique_ptr<TraceReader> reader =
        open_trace(std::move(in), "fuzz.trace", TraceFormat::csv, cascade);
    Request r;
    Time last{0};
    // Bounded: an input of n bytes cannot hold more than a few requests per byte (the cascade
    // reader's copies and reads aside), so a reader that yields more is inventing them.
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
