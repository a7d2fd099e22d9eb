// The JSON form of a RunReport (schema likesim.report/1, documented in report_schema.md).
// Keys come out in a fixed order and numbers are printed the same way every time, so two runs
// with the same scenario and seed give the same bytes apart from the wall-clock fields
// (engine.wall_seconds, engine.events_per_second, strategies[].wall_seconds).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/metrics/run_report.h"

namespace likesim {

nlohmann::ordered_json to_json(const RunReport& report);
std::string report_json_text(const RunReport& report);

}  // namespace likesim
