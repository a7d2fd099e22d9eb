// CPU time of a server running on this machine, read from /proc — how busy PostgreSQL was,
// which (unlike Redis's INFO cpu) no SQL query tells. A server elsewhere has no /proc entry
// here, and the answer is then "unknown", never a wrong number.
//
//   std::optional<double> s = process_tree_cpu_seconds(postmaster_pid, "postgres");
#pragma once

#include <optional>
#include <string_view>

namespace likesim::real {

// The parent of process `pid`, or nullopt when there is no such process here.
std::optional<int> parent_pid(int pid);

// User + system CPU seconds of process `root` and its direct children, when `root` exists
// here and its name (/proc/PID/comm) is `expected_name`; nullopt otherwise.
std::optional<double> process_tree_cpu_seconds(int root, std::string_view expected_name);

}  // namespace likesim::real
