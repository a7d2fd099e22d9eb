// start_detached must not hand the program this process's descriptors: a restarted
// redis-server that inherited `flock`'s descriptor held the shared lock for as long as it ran.
#include "engine/run/detached_start.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace likesim {
namespace {

TEST(DetachedStart, TheProgramInheritsNoDescriptorBeyondTheStandardThree) {
  // An open descriptor without close-on-exec, as flock(1) passes its lock to its command.
  const int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 3);
  const std::string probe = "[ ! -e /proc/$$/fd/" + std::to_string(fd) + " ]";
  // The probe itself works: std::system's shell does see the descriptor.
  EXPECT_NE(std::system(("sh -c '" + probe + "'").c_str()), 0);
  EXPECT_TRUE(start_detached({"sh", "-c", probe}));
  ::close(fd);
}

TEST(DetachedStart, FalseWhenTheProgramFailsOrIsMissing) {
  EXPECT_TRUE(start_detached({"true"}));
  EXPECT_FALSE(start_detached({"false"}));
  EXPECT_FALSE(start_detached({"/nonexistent/likesim-no-such-program"}));
  EXPECT_FALSE(start_detached({}));
}

}  // namespace
}  // namespace likesim
