// `likesim calibrate`: measures the real Redis and PostgreSQL (engine/calibrate/calibration.h) and
// writes a cost file for `likesim run --costs`. Exit codes: 0 written, 1 a server could not
// be used or the file not written, 2 bad flags.
#pragma once

namespace likesim {

int calibrate_command(int argc, char** argv);

}  // namespace likesim
