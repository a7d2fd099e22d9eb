// Runs the likesim binary the way a user does and captures what it printed.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "tests/source_paths.h"

namespace likesim::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// `env`, if given, goes before the binary (e.g. "LIKESIM_HUGE_PAGES=0").
inline CommandResult run_likesim(const std::string& args, const std::string& env = "") {
  const std::string command = std::string("cd '") + source_dir() + "' && " + env + " '" +
                              likesim_binary() + "' " + args + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace likesim::testing
