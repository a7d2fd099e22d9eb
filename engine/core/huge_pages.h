// Huge pages for a simulation's memory, asked of glibc at startup.
//
// A simulated run reads its state at random over hundreds of MB: the truth's and the simulated
// servers' tables of ~100 k background posts, the frames of ~100 k requests in flight. With
// 4 KiB pages nearly every such read also misses the TLB, and on a virtual machine each TLB
// miss walks two page tables. glibc backs malloc with transparent huge pages when its
// tunable glibc.malloc.hugetlb=1 is set, but it reads tunables only when a process starts. So
// a binary that simulates calls reexec_with_huge_pages() first thing in main(): it executes
// itself again, once, with the tunable added to GLIBC_TUNABLES. Celebrity, whole run, one
// strategy per core, paired: 3-9 % faster per strategy (count_query 21.7 -> 19.9 s, sharded
// 34.4 -> 31.3 s), the reports the same. Nothing changes where the kernel's THP setting is
// "never", and a GLIBC_TUNABLES that already names glibc.malloc.hugetlb is left as it is
// (LIKESIM_HUGE_PAGES=0 keeps 4 KiB pages too).
//
//   int main(int argc, char** argv) {
//     likesim::reexec_with_huge_pages(argv);   // returns only if it did not re-execute
#pragma once

#include <optional>
#include <string>

namespace likesim {

// GLIBC_TUNABLES with glibc.malloc.hugetlb=1 added to `current` (null: unset), or nullopt when
// `current` already sets glibc.malloc.hugetlb.
std::optional<std::string> tunables_with_huge_pages(const char* current);

// Whether `tunables` (GLIBC_TUNABLES, null: unset) turns glibc.malloc.hugetlb on.
bool huge_pages_requested(const char* tunables);

// Executes this binary again with the same arguments and huge pages on; returns (doing
// nothing) when they are on already, when LIKESIM_HUGE_PAGES=0, or when it cannot.
void reexec_with_huge_pages(char** argv);

}  // namespace likesim
