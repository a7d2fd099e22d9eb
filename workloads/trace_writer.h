// TraceWriter: a request stream written as a trace, CSV or binary (trace_format.h), so any
// workload can be recorded and replayed request for request (`likesim record`).
//
// Requests must come in time order (as a Workload gives them); finish() writes the binary
// trailer and flushes. Memory is one output buffer.
//
//   std::ofstream out("burst.bin", std::ios::binary);
//   auto writer = make_trace_writer(out, TraceFormat::binary);
//   while (workload->next(r)) writer->write(r);
//   writer->finish();
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>

#include "engine/model/request.h"
#include "workloads/trace_reader.h"

namespace likesim {

class TraceWriter {
 public:
  virtual ~TraceWriter() = default;
  // Throws TraceError when `r` is earlier than the request before it or has a negative time.
  virtual void write(const Request& r) = 0;
  // Writes what is buffered (and the binary trailer); the stream's state says if it worked.
  virtual void finish() = 0;
  std::uint64_t written() const { return written_; }

 protected:
  std::uint64_t written_ = 0;
};

// TraceFormat::cascade has no writer: it is csv's.
std::unique_ptr<TraceWriter> make_trace_writer(std::ostream& out, TraceFormat format);

}  // namespace likesim
