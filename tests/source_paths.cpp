#include "tests/source_paths.h"

namespace likesim {

std::string source_dir() { return LIKESIM_SOURCE_DIR; }
std::string likesim_binary() { return LIKESIM_BINARY; }

}  // namespace likesim
