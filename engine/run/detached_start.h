// start_detached: runs a program that daemonizes itself (redis-server with `daemonize yes`),
// with none of this process's descriptors beyond stdin/stdout/stderr.
//
// std::system() would hand the daemon every descriptor this process holds: its sockets and,
// under `flock /tmp/likesim-real.lock likesim ...`, the lock's descriptor, so the restarted
// server would hold the shared lock for as long as it runs and every later `flock` would wait
// forever (it did: redis 127.0.0.1:7001, restarted by a crash test, held it from 20:28 on).
//
//   if (!start_detached({"redis-server", config})) throw ...;
#pragma once

#include <string>
#include <vector>

namespace likesim {

// True when the program ran and exited 0 (a daemonizing server exits once it has forked).
// Its stdout and stderr go to /dev/null.
bool start_detached(const std::vector<std::string>& argv);

}  // namespace likesim
