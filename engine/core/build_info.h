// build_type(): which build of likesim is running, for the report's engine block. Real-mode
// times depend on it (a Debug build is slower), so `likesim gate` refuses to compare reports of
// different builds. Defined in one file only, so the build type reaches one compile line and
// the other objects stay the same across builds for ccache.
#pragma once

namespace likesim {

// CMake's build type ("RelWithDebInfo", "Release", "Debug"), "+asan" appended under
// -DLIKESIM_SANITIZE=ON.
const char* build_type();

}  // namespace likesim
