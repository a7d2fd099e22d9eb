#include "engine/core/build_info.h"

#ifndef LIKESIM_BUILD_TYPE
#define LIKESIM_BUILD_TYPE "unknown"
#endif

namespace likesim {

const char* build_type() { return LIKESIM_BUILD_TYPE; }

}  // namespace likesim
