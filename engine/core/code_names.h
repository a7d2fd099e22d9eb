// Names of code for error messages: what an event handler is (its dynamic type) and what
// function a suspended coroutine will resume in (read from the binary's symbol table, since
// the coroutine bodies GCC emits are local symbols that dladdr cannot see). Slow (it reads the
// executable on each call) and only for the rare error that needs it: the scheduler's
// no-progress watchdog.
#pragma once

#include <string>
#include <typeinfo>

namespace likesim {

// "sim::KafkaLog" for a likesim::sim::KafkaLog (the likesim:: prefix dropped).
std::string type_name(const std::type_info& type);
// The function a coroutine frame resumes into, e.g. "AsyncLog::consume(unsigned int)"; or
// "a coroutine" when the binary has no symbols for it.
std::string coroutine_name(const void* frame);

}  // namespace likesim
