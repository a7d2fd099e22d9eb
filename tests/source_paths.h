// Where tests and benchmarks find the checkout (scenarios, ../shared/data) and the built
// likesim binary.
#pragma once

#include <string>

namespace likesim {

// The paths live in one small library (tests/source_paths.cpp, CMakeLists.txt) rather than in
// every test's command line: a path compiled into each test object makes it differ from one
// clone to the next, and ccache rebuilt every test of each fresh clone CI makes.
std::string source_dir();
std::string likesim_binary();

}  // namespace likesim
