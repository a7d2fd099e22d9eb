#include "engine/cli/command_line.h"

#include <iostream>

namespace likesim {

namespace po = boost::program_options;

bool parse_command_line(int argc, char** argv, const po::options_description& visible,
                        const char* positional_name, std::string& positional,
                        std::string_view command, po::variables_map& vm) {
  po::options_description hidden;
  hidden.add_options()(positional_name, po::value(&positional));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positionals;
  positionals.add(positional_name, 1);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positionals).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "likesim " << command << ": " << e.what() << " (see likesim " << command
              << " --help)\n";
    return false;
  }
  return true;
}

}  // namespace likesim
