// BackendError: a real server could not be used (unreachable, refused login, died mid-run, a
// reply that makes no sense). Its message is one line that names the server's address, e.g.
//   "redis 127.0.0.1:7001: connection refused"
// The driver reports it with what ran until then; it is never a crash.
#pragma once

#include <stdexcept>
#include <string>

namespace likesim::real {

class BackendError : public std::runtime_error {
 public:
  BackendError(const std::string& server, const std::string& what)
      : std::runtime_error(server + ": " + what) {}
};

}  // namespace likesim::real
