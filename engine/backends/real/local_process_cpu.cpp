#include "engine/backends/real/local_process_cpu.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace likesim::real {
namespace {

struct ProcStat {
  int ppid = 0;
  long long ticks = 0;  // utime + stime
};

// /proc/PID/stat: "pid (comm) state ppid ... utime(14) stime(15) ..."; comm may hold spaces,
// so the fields are counted from its closing parenthesis.
std::optional<ProcStat> read_stat(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string state;
  ProcStat s;
  fields >> state >> s.ppid;
  std::string skip;
  for (int field = 5; field < 14; ++field) fields >> skip;
  long long utime = 0, stime = 0;
  fields >> utime >> stime;
  if (!fields) return std::nullopt;
  s.ticks = utime + stime;
  return s;
}

}  // namespace

std::optional<int> parent_pid(int pid) {
  const std::optional<ProcStat> s = read_stat(pid);
  if (!s) return std::nullopt;
  return s->ppid;
}

std::optional<double> process_tree_cpu_seconds(int root, std::string_view expected_name) {
  std::ifstream comm("/proc/" + std::to_string(root) + "/comm");
  std::string name;
  if (!std::getline(comm, name) || name != expected_name) return std::nullopt;
  const std::optional<ProcStat> root_stat = read_stat(root);
  if (!root_stat) return std::nullopt;
  long long ticks = root_stat->ticks;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid_text = entry.path().filename().string();
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::optional<ProcStat> s = read_stat(std::atoi(pid_text.c_str()));
    if (s && s->ppid == root) ticks += s->ticks;
  }
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace likesim::real
