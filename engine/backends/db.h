// Db: the PostgreSQL statements the strategies issue, in either world.
//
// Each statement is a small value (DbStatement) with a real prepared statement behind it in
// real mode and a cost in the simulated server. A DbCall is one statement, or several run as
// one transaction by one backend connection (row locks held until commit). Schema:
//   likes(post_id, user_id, PRIMARY KEY (post_id, user_id))
//   like_counts(post_id PRIMARY KEY, n)                 -- one counter row per post
//   consumer_offsets(partition PRIMARY KEY, next_offset) -- async_log's idempotence guard
//
//   DbReply r = co_await db.run(DbStatement::insert_like(post, user));   // r.value == 1: new
//
//   DbBatch tx;                                   // a consumer's batch, applied atomically
//   tx.add(DbStatement::advance_offset(partition, next));   // guard: 0 = already applied
//   tx.add(DbStatement::counter_add(post, +37));
//   ReplyStatus st = co_await db.guarded_transaction(tx);
#pragma once

#include <coroutine>
#include <cstdint>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "engine/backends/reply_status.h"
#include "engine/model/ids.h"

namespace likesim {

enum class DbVerb : std::uint8_t {
  insert_like,                // INSERT INTO likes ... ON CONFLICT DO NOTHING  -> 1 if inserted
  delete_like,                // DELETE FROM likes WHERE post, user            -> 1 if deleted
  like_exists,                // SELECT EXISTS(...)                            -> 1 if present
  count_likes,                // SELECT COUNT(*) FROM likes WHERE post_id      -> count
  counter_add,                // UPSERT like_counts SET n = n + arg (row lock) -> new n
  counter_read,               // SELECT n FROM like_counts                     -> n (0 if none)
  insert_like_and_increment,  // one statement (CTE): insert; if inserted, n += 1 -> 1 if new
  delete_like_and_decrement,  // one statement (CTE): delete; if deleted, n -= 1  -> 1 if gone
  // UPDATE consumer_offsets SET next_offset = arg WHERE partition = post AND next_offset < arg
  // -> 1 if advanced. In a guarded transaction, 0 skips (rolls back) the rest.
  advance_offset,
};
constexpr int kDbVerbCount = 9;

struct DbStatement {
  PostId post = 0;  // advance_offset: the partition
  UserId user = 0;
  std::int64_t arg = 0;
  DbVerb verb = DbVerb::like_exists;

  static DbStatement insert_like(PostId p, UserId u) { return {p, u, 0, DbVerb::insert_like}; }
  static DbStatement delete_like(PostId p, UserId u) { return {p, u, 0, DbVerb::delete_like}; }
  static DbStatement like_exists(PostId p, UserId u) { return {p, u, 0, DbVerb::like_exists}; }
  static DbStatement count_likes(PostId p) { return {p, 0, 0, DbVerb::count_likes}; }
  static DbStatement counter_add(PostId p, std::int64_t d) {
    return {p, 0, d, DbVerb::counter_add};
  }
  static DbStatement counter_read(PostId p) { return {p, 0, 0, DbVerb::counter_read}; }
  static DbStatement insert_like_and_increment(PostId p, UserId u) {
    return {p, u, 0, DbVerb::insert_like_and_increment};
  }
  static DbStatement delete_like_and_decrement(PostId p, UserId u) {
    return {p, u, 0, DbVerb::delete_like_and_decrement};
  }
  static DbStatement advance_offset(std::uint32_t partition, std::int64_t next_offset) {
    return {partition, 0, next_offset, DbVerb::advance_offset};
  }
};

struct DbReply {
  std::int64_t value = 0;
  ReplyStatus status = ReplyStatus::ok;
};

enum class DbCallKind : std::uint8_t {
  single,               // one statement in its own (implicit) transaction
  transaction,          // BEGIN; statements...; COMMIT
  guarded_transaction,  // as transaction, but a 0 from the first statement rolls back the rest
  read_batch,           // independent reads pipelined on one connection (no transaction)
};

struct DbCall {
  const DbStatement* statements = nullptr;
  DbReply* replies = nullptr;
  std::uint32_t n = 0;
  DbCallKind kind = DbCallKind::single;
  std::uint32_t pending = 0;
  std::coroutine_handle<> waiter;
};

class DbExecutor {
 public:
  virtual ~DbExecutor() = default;
  // Runs the call, fills every reply, then resumes call->waiter (never from inside submit).
  virtual void submit(DbCall* call) = 0;
};

class DbBatch {
 public:
  void add(const DbStatement& s) {
    statements_.push_back(s);
    replies_.emplace_back();
  }
  void clear() {
    statements_.clear();
    replies_.clear();
  }
  std::size_t size() const { return statements_.size(); }
  bool empty() const { return statements_.empty(); }
  const absl::InlinedVector<DbStatement, 8>& statements() const { return statements_; }
  const absl::InlinedVector<DbReply, 8>& replies() const { return replies_; }
  absl::InlinedVector<DbReply, 8>& replies() { return replies_; }

 private:
  absl::InlinedVector<DbStatement, 8> statements_;
  absl::InlinedVector<DbReply, 8> replies_;
};

class Db {
 public:
  Db() = default;
  explicit Db(DbExecutor& exec) : exec_(&exec) {}

  struct SingleAwaiter {
    DbExecutor* exec;
    DbStatement statement;
    DbReply reply;
    DbCall call;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      call = DbCall{&statement, &reply, 1, DbCallKind::single, 0, h};
      exec->submit(&call);
    }
    DbReply await_resume() const noexcept { return reply; }
  };
  struct BatchAwaiter {
    DbExecutor* exec;
    DbBatch* batch;
    DbCallKind kind;
    DbCall call;
    bool await_ready() const noexcept { return batch->empty(); }
    void await_suspend(std::coroutine_handle<> h) {
      call = DbCall{batch->statements().data(),
                    batch->replies().data(),
                    static_cast<std::uint32_t>(batch->size()),
                    kind,
                    0,
                    h};
      exec->submit(&call);
    }
    ReplyStatus await_resume() const noexcept {
      ReplyStatus s = ReplyStatus::ok;
      for (const DbReply& r : batch->replies()) s = worse(s, r.status);
      return s;
    }
  };

  [[nodiscard]] SingleAwaiter run(const DbStatement& s) { return {exec_, s, {}, {}}; }
  // The batch must outlive the co_await (keep it in the coroutine frame).
  [[nodiscard]] BatchAwaiter transaction(DbBatch& b) {
    return {exec_, &b, DbCallKind::transaction, {}};
  }
  [[nodiscard]] BatchAwaiter guarded_transaction(DbBatch& b) {
    return {exec_, &b, DbCallKind::guarded_transaction, {}};
  }
  [[nodiscard]] BatchAwaiter read_batch(DbBatch& b) {
    return {exec_, &b, DbCallKind::read_batch, {}};
  }
  bool valid() const { return exec_ != nullptr; }

 private:
  DbExecutor* exec_ = nullptr;
};

}  // namespace likesim
