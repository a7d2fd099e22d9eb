// `likesim validate`: the simulator against the real servers, on points the calibration did
// not fit (engine/calibrate/validate.h).
#pragma once

namespace likesim {

int validate_command(int argc, char** argv);

}  // namespace likesim
