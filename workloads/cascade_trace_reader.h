// CascadeTraceReader: a real retweet cascade (the data folder's SEISMIC or Rizoiu files, or a
// user's own in the same columns) turned into a hot post's likes, with CascadeOptions.
//
// The header says which file it is: `relative_time_second,number_of_followers` (SEISMIC) or
// `,magnitude,time` (Rizoiu; the first column is R's row index); any header with a column
// named `time` or `relative_time_second` works. Row 1 is the original post, so every later
// row is one like at time / compress; `replicate` copies run on posts first_post.. with
// distinct users (a UserPermutation), each copy shifted by a uniform jitter in [0, jitter_s),
// merged in time order. Each like is followed by count reads of its post (reads_per_like on
// average: the whole part always, the fraction by a draw). Ids are 1, 2, 3, ...
//
// The cascade's times are held (8 bytes a row, at most kMaxRows rows: it is one post's
// events); the copies are merged through a heap of one entry per copy.
//
//   CascadeTraceReader reader(std::make_unique<std::ifstream>(path), path, {.compress = 1000});
//   Request r;
//   while (reader.next(r)) issue(r);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/random_stream.h"
#include "engine/model/user_permutation.h"
#include "workloads/line_reader.h"
#include "workloads/trace_reader.h"

namespace likesim {

class CascadeTraceReader final : public TraceReader {
 public:
  static constexpr std::size_t kMaxRows = 20'000'000;

  CascadeTraceReader(std::unique_ptr<std::istream> in, std::string name,
                     const CascadeOptions& options);
  bool next(Request& out) override;

  // Whether a CSV header line is a cascade file's (and not a trace's).
  static bool is_cascade_header(std::string_view header);

 private:
  struct Head {
    std::int64_t ns;
    std::uint32_t copy;
    bool operator>(const Head& o) const { return ns != o.ns ? ns > o.ns : copy > o.copy; }
  };
  void load();
  void push_copy(std::uint32_t copy);

  LineReader lines_;
  CascadeOptions options_;
  bool loaded_ = false;
  std::vector<std::int64_t> times_ns_;   // the likes' times, compressed, in order
  std::vector<std::int64_t> jitter_ns_;  // per copy
  std::vector<std::uint32_t> position_;  // per copy: its next like
  std::vector<Head> heap_;               // min-heap by (time, copy)
  RandomStream draws_;                   // reads and their users
  UserPermutation fans_;
  std::uint32_t reads_pending_ = 0;
  Request last_like_;
  RequestId next_id_ = 1;
};

}  // namespace likesim
