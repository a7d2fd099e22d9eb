// Fuzz target: the binary trace reader on arbitrary bytes (trace_fuzz.h says what must hold).
#include "tests/fuzz/trace_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return likesim::fuzz_trace(data, size, likesim::TraceFormat::binary);
}
