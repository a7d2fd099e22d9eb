// Helpers for the trace tests: streams over strings, a reader's whole output, a request mix.
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/random_stream.h"
#include "workloads/trace_reader.h"
#include "workloads/trace_writer.h"

namespace likesim::testing {

inline std::vector<Request> read_all(const std::string& bytes, TraceFormat format,
                                     const CascadeOptions& cascade = {},
                                     const std::string& name = "trace.csv") {
  auto reader = open_trace(std::make_unique<std::istringstream>(bytes), name, format, cascade);
  std::vector<Request> out;
  Request r;
  while (reader->next(r)) out.push_back(r);
  return out;
}

// The TraceError's message reading `bytes`, or "" when it read cleanly.
inline std::string error_of(const std::string& bytes, TraceFormat format,
                            const std::string& name = "trace.csv",
                            const CascadeOptions& cascade = {}) {
  try {
    read_all(bytes, format, cascade, name);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

inline std::string write_all(const std::vector<Request>& requests, TraceFormat format) {
  std::ostringstream out;
  auto writer = make_trace_writer(out, format);
  for (const Request& r : requests) writer->write(r);
  writer->finish();
  return out.str();
}

// Every op, retries, ids that jump back (a retry) and forward, large posts and users, times
// with nanoseconds, repeated times.
inline std::vector<Request> request_mix(std::size_t n, std::uint64_t seed = 7) {
  RandomStream rng(seed, "test.trace");
  std::vector<Request> out;
  std::int64_t t = 0;
  RequestId id = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Request r;
    t += rng.bernoulli(0.1) ? 0 : static_cast<std::int64_t>(rng.uniform_int(5'000'000));
    r.intended = Time(t);
    r.op = static_cast<Op>(rng.uniform_int(kOpCount));
    r.post = static_cast<PostId>(rng.bernoulli(0.05) ? 4294967295u - 200 : rng.uniform_int(1000));
    r.user = static_cast<UserId>(rng.bernoulli(0.05) ? 4294967295u : rng.uniform_int(1u << 30));
    r.retry = rng.bernoulli(0.1);
    id = r.retry && id > 5 ? id - rng.uniform_int(5) : id + 1 + (rng.bernoulli(0.01) ? 1000 : 0);
    r.id = id;
    if (r.op == Op::batch_count) r.batch = static_cast<std::uint8_t>(1 + rng.uniform_int(100));
    out.push_back(r);
  }
  return out;
}

inline bool same(const Request& a, const Request& b) {
  return a.intended == b.intended && a.id == b.id && a.post == b.post && a.user == b.user &&
         a.op == b.op && a.batch == b.batch && a.retry == b.retry;
}

}  // namespace likesim::testing
