// like_rows_exist: the likes table's answer for a user on a page of posts, in one pipelined
// read batch. Shared by the dedup methods whose truth is the likes table (db_unique, bloom).
#pragma once

#include "strategies/strategy.h"

namespace likesim {

// liked[i]: whether `user` has a row for post first + i.
Task<ReplyStatus> like_rows_exist(Db db, PostId first, int n, UserId user, bool* liked);

}  // namespace likesim
