#include "engine/plan/sweep_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/plan/sweep_merge.h"

namespace likesim {
namespace {

namespace fs = std::filesystem;

// A table of `runs` runs x strategies a and b, as the sweep writes it, figures made up.
SweepTable table_of(std::size_t runs) {
  const std::vector<VaryAxis> axes{{"strategy.s.shards", {}}};
  SweepTable t{sweep_header(axes), {}};
  for (std::size_t run = 0; run < runs; ++run) {
    for (const char* name : {"a", "b"}) {
      GridPoint p{run, {{"strategy.s.shards", std::to_string(1 << run)}}};
      SweepCells row = failed_row(p, runs, "0123456789012345", name, "");
      for (std::size_t i = t.column("like_p50_ms"); i + 1 < row.size(); ++i) {
        row[i] = std::to_string(run) + ".25";
      }
      row[t.column("hottest")] = "redis5 82%";
      row[t.column("slo_failed")] = "like_p99_ms;count_p99_ms";
      t.rows.push_back(row);
    }
  }
  return t;
}

std::string temp(const std::string& name) {
  return (fs::temp_directory_path() / ("likesim_sweep_table_" + std::to_string(getpid()) + name))
      .string();
}

SweepTable round_trip(const SweepTable& t, const std::string& name) {
  const std::string path = temp(name);
  std::ofstream(path, std::ios::binary)
      << table_text(t, name.ends_with(".csv") ? TableFormat::csv : TableFormat::json);
  absl::StatusOr<SweepTable> back = read_table(path);
  fs::remove(path);
  EXPECT_TRUE(back.ok()) << back.status();
  return back.ok() ? *back : SweepTable{};
}

TEST(SweepTable, CsvAndJsonReadBackCellForCell) {
  SweepTable t = table_of(3);
  t.rows[1][t.column("error")] = "a \"quoted\", multi\nline error";  // every CSV escape
  for (const char* name : {".csv", ".json"}) {
    const SweepTable back = round_trip(t, name);
    EXPECT_EQ(back.header, t.header) << name;
    EXPECT_EQ(back.rows, t.rows) << name;
  }
}

TEST(SweepTable, JsonHasNumbersAsNumbersAndHashesAsText) {
  const SweepTable t = table_of(1);
  const nlohmann::json j = nlohmann::json::parse(table_text(t, TableFormat::json));
  EXPECT_TRUE(j[0]["run"].is_number_integer());
  EXPECT_TRUE(j[0]["strategy.s.shards"].is_number_integer());
  EXPECT_TRUE(j[0]["like_p99_ms"].is_number_float());
  EXPECT_TRUE(j[0]["config_hash"].is_string());  // digits only, still a hash
  EXPECT_EQ(j[0]["slo_failed"], "like_p99_ms;count_p99_ms");
}

TEST(SweepTable, BadFilesNameTheFileAndLine) {
  const std::string path = temp(".csv");
  std::ofstream(path) << "run,runs,config_hash,k,strategy\n0,1,h,1,a\n0,1,h\n";
  absl::StatusOr<SweepTable> t = read_table(path);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find(path + ":3: 3 cells"), std::string::npos) << t.status();
  std::ofstream(path) << "run,runs,config_hash,k,strategy\n5,3,h,1,a\n";
  t = read_table(path);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(check_rows(*t, path).ok());  // run 5 of a 3-run grid
  fs::remove(path);
  EXPECT_FALSE(table_format("x.txt", "--out").ok());
  EXPECT_EQ(read_table(temp("absent.csv")).status().code(), absl::StatusCode::kNotFound);
}

TEST(SweepTable, SortsByRunThenTheScenariosOrder) {
  SweepTable t = table_of(2);
  std::reverse(t.rows.begin(), t.rows.end());
  sort_rows(t, {"b", "a"});
  const std::size_t s = t.column("strategy");
  EXPECT_EQ(t.rows[0][kRunColumn] + t.rows[0][s], "0b");
  EXPECT_EQ(t.rows[1][kRunColumn] + t.rows[1][s], "0a");
  EXPECT_EQ(t.rows[2][kRunColumn] + t.rows[2][s], "1b");
}

// Slices as --shard K/3 writes them: runs K-1, K-1+3, ...
std::vector<std::pair<std::string, SweepTable>> slices_of(const SweepTable& whole) {
  std::vector<std::pair<std::string, SweepTable>> slices;
  for (std::size_t k = 0; k < 3; ++k) {
    SweepTable part{whole.header, {}};
    for (const SweepCells& row : whole.rows) {
      if (std::stoul(row[kRunColumn]) % 3 == k) part.rows.push_back(row);
    }
    slices.emplace_back("slice" + std::to_string(k + 1), part);
  }
  return slices;
}

TEST(SweepMerge, SlicesJoinIntoTheWholeTable) {
  const SweepTable whole = table_of(7);
  auto slices = slices_of(whole);
  std::swap(slices[0], slices[2]);  // in any order
  absl::StatusOr<SweepTable> merged = merge_tables(slices);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->rows, whole.rows);
}

TEST(SweepMerge, RefusesAMissingADuplicatedOrAFailedRun) {
  const SweepTable whole = table_of(7);
  auto missing = slices_of(whole);
  missing.pop_back();
  EXPECT_NE(merge_tables(missing).status().message().find("is in no slice"), std::string::npos);

  auto twice = slices_of(whole);
  twice.push_back(twice[0]);
  EXPECT_NE(merge_tables(twice).status().message().find("is in slice1 and in slice1"),
            std::string::npos);

  auto failed = slices_of(whole);
  failed[1].second.rows[0].back() = "boom";
  EXPECT_NE(merge_tables(failed).status().message().find("failed: boom"), std::string::npos);

  auto other = slices_of(whole);
  other[2].second.header[3] = "strategy.s.other";
  EXPECT_NE(merge_tables(other).status().message().find("columns differ"), std::string::npos);

  auto lacking = slices_of(whole);
  lacking[1].second.rows.pop_back();  // run 4 without strategy b
  EXPECT_FALSE(merge_tables(lacking).ok());
}

}  // namespace
}  // namespace likesim
