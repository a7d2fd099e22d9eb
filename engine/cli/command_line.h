// parse_command_line: a command's options plus its one positional argument (the SCENARIO of
// run and record, the TRACE of replay), and the one error line every command prints for a bad
// flag ("likesim run: unrecognised option '--x' (see likesim run --help)").
//
//   std::string scenario;
//   po::variables_map vm;
//   if (!parse_command_line(argc, argv, visible, "scenario", scenario, "run", vm)) return 2;
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <string_view>

namespace likesim {

// False after printing why the arguments could not be parsed.
bool parse_command_line(int argc, char** argv,
                        const boost::program_options::options_description& visible,
                        const char* positional_name, std::string& positional,
                        std::string_view command, boost::program_options::variables_map& vm);

}  // namespace likesim
