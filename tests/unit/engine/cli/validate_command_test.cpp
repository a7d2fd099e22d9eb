// `likesim validate`'s flags: help, and bad input refused with exit 2 before any server is
// touched.
#include <gtest/gtest.h>

#include "tests/unit/engine/cli/cli_test_support.h"

namespace likesim {
namespace {

using testing::run_likesim;

TEST(ValidateCommand, HelpNamesTheShapesAndGoals) {
  const auto r = run_likesim("validate --help");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--costs"), std::string::npos);
  EXPECT_NE(r.output.find("within 20 %"), std::string::npos);
}

TEST(ValidateCommand, BadInputIsOneLineAndExit2) {
  for (const char* args :
       {"validate --no-such-flag", "validate --shapes incr,bogus", "validate --knee 5",
        "validate --costs /nonexistent/cal.toml", "validate --redis-cluster nohostport",
        "validate --out /no/such/dir/x.json"}) {
    const auto r = run_likesim(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << ": " << r.output;
    EXPECT_EQ(r.output.rfind("likesim validate: ", 0), 0u) << args << ": " << r.output;
  }
}

}  // namespace
}  // namespace likesim
