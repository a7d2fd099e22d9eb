// like_rows_exist: the likes table's answer for a user on a page of posts, in one pipelined
// read batch. Used by the dedup whose truth is the likes table (db_unique).
#pragma once

#include "strategies/strategy.h"

namespace likesim {

// liked[i]: whether `user` has a row for post first + i.
Task<ReplyStatus> like_rows_exist(Db db, PostId first, int n, UserId user, bool* liked);

}  // namespace likesim
