// sim::Slowdowns: the windows of backend_slowdown faults on one simulated server — a GC
// pause, a noisy neighbour, a failing disk: inside a window the server works `factor` times
// slower. Work that starts before a window and runs into it slows down at its start, and work
// queued during a window runs at full speed again once the window is over, so a backlog built
// up during a slowdown drains at the normal rate afterwards. Round trips are not slowed (the
// network is not the server).
//
// Windows may overlap (their factors multiply). With no window the cost is one empty check.
//
//   Slowdowns slow;
//   slow.add(Time(10s), Time(30s), 20.0);
//   Duration d = slow.stretch(start, service);   // 20x the part of it inside [10 s, 30 s)
#pragma once

#include <algorithm>
#include <limits>
#include <vector>

#include "engine/core/sim_time.h"

namespace likesim::sim {

class Slowdowns {
 public:
  // The server works `factor` times slower in [from, until).
  void add(Time from, Time until, double factor) {
    if (until > from && factor > 0) windows_.push_back({from, until, factor});
  }
  bool empty() const { return windows_.empty(); }

  // How long `work` (its duration at full speed) takes when it starts at `start`.
  Duration stretch(Time start, Duration work) const {
    if (windows_.empty() || work <= Duration(0)) return work;
    double t = static_cast<double>(start.count());
    double left = static_cast<double>(work.count());  // full-speed ns still to do
    for (;;) {
      double f = 1;
      double edge = std::numeric_limits<double>::infinity();  // where the speed changes next
      for (const Window& w : windows_) {
        const auto from = static_cast<double>(w.from.count());
        const auto until = static_cast<double>(w.until.count());
        if (t >= from && t < until) {
          f *= w.factor;
          edge = std::min(edge, until);
        } else if (from > t) {
          edge = std::min(edge, from);
        }
      }
      if ((edge - t) / f >= left) {
        t += left * f;
        break;
      }
      left -= (edge - t) / f;
      t = edge;
    }
    return Duration(static_cast<std::int64_t>(t) - start.count());
  }

 private:
  struct Window {
    Time from{0}, until{0};
    double factor = 1;
  };
  std::vector<Window> windows_;
};

}  // namespace likesim::sim
