// TraceReader: a request stream read back from a file, one request at a time, in bounded
// memory (a CSV or binary trace, trace_format.h), or a real cascade turned into likes.
//
// Readers parse lazily: bad input throws TraceError from next(), whose what() is the one line
// to show (`trace.csv:6: post: expected an integer, got "x"`, `t.bin: truncated at record 12`).
// They never crash, hang or allocate without bound on hostile bytes (a fuzzer feeds them).
//
//   auto reader = open_trace_file("burst.bin", "auto");
//   Request r;
//   while (reader->next(r)) issue(r);     // r.intended non-decreasing
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <stdexcept>
#include <string>

#include "engine/model/request.h"

namespace likesim {

class TraceError : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

class TraceReader {
 public:
  virtual ~TraceReader();
  // The next request, or false at the end of the trace. Throws TraceError on bad input.
  virtual bool next(Request& out) = 0;
};

enum class TraceFormat { csv, binary, cascade };

// How a cascade file (one post's retweets: `relative_time_second,number_of_followers` or
// `,magnitude,time`) becomes likes: one like per row after the root, at time / compress, on
// `replicate` copies (posts first_post.., distinct users, each copy shifted by a uniform
// jitter in [0, jitter_s)), each like followed by count reads of its post at reads_per_like.
struct CascadeOptions {
  double compress = 1;
  std::uint32_t replicate = 1;
  double jitter_s = 0;
  double reads_per_like = 1;
  PostId first_post = 1;
  std::uint32_t users = 100000000;
  std::uint64_t seed = 1;
};

// A reader over `in`; `name` names the input in errors. Never throws (parsing is lazy).
std::unique_ptr<TraceReader> open_trace(std::unique_ptr<std::istream> in, std::string name,
                                        TraceFormat format, const CascadeOptions& cascade = {});

// The format a file is in: `format` is "csv", "binary", "cascade" or "auto" (by extension:
// .bin is binary, .csv a trace, or a cascade when its header is a cascade's; otherwise by the
// binary magic). Throws TraceError("FILE: cannot open: ...") or for an unknown format name.
TraceFormat detect_trace_format(const std::string& path, const std::string& format);

// Opens `path` (detect_trace_format) and returns its reader. Throws TraceError.
std::unique_ptr<TraceReader> open_trace_file(const std::string& path,
                                             const std::string& format = "auto",
                                             const CascadeOptions& cascade = {});

std::string_view trace_format_name(TraceFormat format);

}  // namespace likesim
