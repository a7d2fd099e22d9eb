#include "engine/core/huge_pages.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace likesim {

namespace {

constexpr std::string_view kTunable = "glibc.malloc.hugetlb";

// The value GLIBC_TUNABLES gives glibc.malloc.hugetlb (name=value pairs separated by ':').
std::optional<std::string_view> hugetlb_value(const char* tunables) {
  if (tunables == nullptr) return std::nullopt;
  const std::string_view all(tunables);
  for (std::size_t start = 0; start <= all.size();) {
    const std::size_t end = std::min(all.find(':', start), all.size());
    const std::string_view pair = all.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == kTunable) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> tunables_with_huge_pages(const char* current) {
  if (hugetlb_value(current)) return std::nullopt;
  if (current == nullptr || *current == '\0') return std::string(kTunable) + "=1";
  return std::string(current) + ":" + std::string(kTunable) + "=1";
}

bool huge_pages_requested(const char* tunables) {
  const std::optional<std::string_view> v = hugetlb_value(tunables);
  return v && !v->empty() && *v != "0";
}

void reexec_with_huge_pages(char** argv) {
  const char* opt = std::getenv("LIKESIM_HUGE_PAGES");
  if (opt != nullptr && std::strcmp(opt, "0") == 0) return;
  const std::optional<std::string> tunables =
      tunables_with_huge_pages(std::getenv("GLIBC_TUNABLES"));
  if (!tunables) return;  // on already (this is the re-executed process), or the user's choice
  if (setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
  // By its own path first: a process started from /proc/self/exe is named "exe" in ps, top
  // and perf. That link is the fallback for a binary replaced since it started (its path
  // then reads "... (deleted)").
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n > 0) {
    path[n] = '\0';
    execv(path, argv);
  }
  execv("/proc/self/exe", argv);
  // Still here: no /proc, or not executable. Run on without; the tunable stays set for any
  // child, which is harmless.
}

}  // namespace likesim
