// Where one Redis key saturates: INCRBY on one key, offered open loop at rising rates, in
// either world. `likesim calibrate` sets the simulated node's request overhead from the real
// knee, and bench/incr_saturation_bench measures both knees side by side the same way.
//
//   auto keeps = [&](double rate) {
//     return keeps_up(rt, kv, rate, 500ms, [&](auto done, Time limit) { rt.run_until(done, limit);
//     });
//   };
//   double knee = saturation_knee(keeps);
#pragma once

#include "absl/functional/function_ref.h"
#include "engine/backends/kv.h"
#include "engine/core/runtime.h"

namespace likesim {

// Runs the world until done() or the limit (a SimWorld's scheduler, an AsioRuntime).
using RunWorldUntil = absl::FunctionRef<void(absl::FunctionRef<bool()> done, Time limit)>;

// Offers INCRBY on one key open loop at `rate` for `window` (as a run's driver does, so a
// real client pipelines as it would in a run) and waits for every answer. True when at least
// 95 % were answered successfully inside the window.
bool keeps_up(Runtime& rt, Kv kv, double rate, Duration window, RunWorldUntil run_until);

// The highest rate `keeps_up` accepts: doubling from `start` to bracket it, then 10 % steps
// up from the last rate kept. (Far past the knee a client's backlog slows it down, so the
// answers per second of an overload would understate the capacity.) 0 if even `start` fails.
double saturation_knee(absl::FunctionRef<bool(double)> keeps_up, double start = 25000);

}  // namespace likesim
