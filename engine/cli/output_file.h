// write_output: what a command writes for --out: to stdout for "-", else to the file, whole.
#pragma once

#include <string>

namespace likesim {

// False (nothing else said) when the file cannot be written; the caller names it.
bool write_output(const std::string& path, const std::string& text);

}  // namespace likesim
