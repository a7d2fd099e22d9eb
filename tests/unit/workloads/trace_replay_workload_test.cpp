#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/workloads/trace_test_support.h"
#include "workloads/replay_workload.h"
#include "workloads/workload.h"

namespace likesim {
namespace {

WorkloadConfig small_steady() {
  WorkloadConfig c;
  c.steady.writes_per_s = 2000;
  c.steady.reads_per_s = 3000;
  c.steady.posts = 100;
  c.steady.users = 5000;
  c.steady.batch_fraction = 0.2;
  c.retry_fraction = 0.1;  // resends with the same id: a trace keeps them as they are
  return c;
}

std::vector<Request> drain(Workload& w) {
  std::vector<Request> out;
  Request r;
  while (w.next(r)) out.push_back(r);
  return out;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / name).string();
}

TEST(ReplayWorkload, ATraceReplaysTheWorkloadItWasRecordedFrom) {
  const WorkloadConfig config = small_steady();
  auto original = make_workload(config, 5, 3s);
  const auto requests = drain(*original);
  ASSERT_GT(requests.size(), 10000u);
  for (TraceFormat format : {TraceFormat::csv, TraceFormat::binary}) {
    const std::string path =
        temp_path(format == TraceFormat::csv ? "likesim_replay_wl.csv" : "likesim_replay_wl.bin");
    {
      std::ofstream out(path, std::ios::binary);
      auto writer = make_trace_writer(out, format);
      for (const Request& r : requests) writer->write(r);
      writer->finish();
    }
    WorkloadConfig replay = config;  // retry_fraction stays: make_workload must not add more
    replay.kind = "replay";
    replay.replay.trace = path;
    auto w = make_workload(replay, 5, 3s);
    const auto back = drain(*w);
    ASSERT_EQ(back.size(), requests.size()) << trace_format_name(format);
    for (std::size_t i = 0; i < back.size(); ++i) {
      ASSERT_TRUE(testing::same(back[i], requests[i])) << trace_format_name(format) << " " << i;
    }
    // A shorter run replays the trace's beginning.
    auto shorter = make_workload(replay, 5, 1s);
    const auto head = drain(*shorter);
    EXPECT_LT(head.size(), requests.size() / 2);
    EXPECT_LT(head.back().intended, 1s);
    const ReplayWorkload::Scan s = ReplayWorkload::scan(replay, 5, 1s);
    EXPECT_EQ(s.requests, head.size());
    EXPECT_EQ(s.requests + s.past_end, requests.size());
    std::filesystem::remove(path);
  }
}

TEST(ReplayWorkload, ACascadeMergesWithTheBackgroundAndIdsAreRenumbered) {
  const std::string path = temp_path("likesim_replay_cascade.csv");
  {
    std::ofstream out(path);
    out << "relative_time_second,number_of_followers\n0,10\n";
    for (int i = 1; i <= 1000; ++i) out << i << ",5\n";  // a like a second
  }
  WorkloadConfig c = small_steady();
  c.retry_fraction = 0;
  c.kind = "replay";
  c.replay.trace = path;
  c.replay.format = "auto";
  c.replay.compress = 500;  // 2 ms apart
  c.replay.replicate = 3;
  c.replay.reads_per_like = 0;
  auto w = make_workload(c, 9, 1s);
  const auto r = drain(*w);
  std::size_t hot = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].id, i + 1);
    if (i > 0) {
      EXPECT_LE(r[i - 1].intended, r[i].intended);
    }
    if (r[i].post > 100) {
      ++hot;
      EXPECT_LE(r[i].post, 103u);  // posts + 1 .. posts + replicate
      EXPECT_EQ(r[i].op, Op::like);
    }
  }
  EXPECT_EQ(hot, 3u * 499);          // likes at 2, 4, .. 998 ms (1000 ms is the end)
  EXPECT_GT(r.size() - hot, 4000u);  // the background, 5000/s

  c.replay.background = false;
  auto alone = make_workload(c, 9, 1s);
  EXPECT_EQ(drain(*alone).size(), 3u * 499);
  std::filesystem::remove(path);
}

TEST(ReplayWorkload, AMissingFileIsOneLine) {
  WorkloadConfig c;
  c.kind = "replay";
  c.replay.trace = "/nonexistent/t.csv";
  try {
    make_workload(c, 1, 1s);
    FAIL() << "no error";
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/t.csv: cannot open: No such file or directory");
  }
}

}  // namespace
}  // namespace likesim
