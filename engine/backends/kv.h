// Kv: the Redis-like operations strategies need, in either world.
//
// Every operation is a small command value (KvCommand) handed to a KvExecutor together with a
// reply slot and the waiting coroutine; the awaiter that holds both lives in the coroutine
// frame, so a simulated command costs no heap allocation. sim::RedisCluster and (later)
// real::RedisClusterClient implement KvExecutor; strategies hold a Kv and never know which.
//
//   KvReply r = co_await kv.incr_by(KeyId::counter(post), 1);
//   if (r.status != ReplyStatus::ok) co_return LikeResult::failed;
//
//   KvBatch mget;                       // MGET of K shards: one command, cost a + b*n
//   for (int s = 0; s < k; ++s) mget.add(KvCommand::get(KeyId::shard_key(post, s, false)));
//   ReplyStatus st = co_await kv.mget(mget);      // mget.replies()[i].value
//
// An executor never resumes the waiter from inside submit(): it completes later, from an event
// (sim) or the I/O loop (real).
#pragma once

#include <coroutine>
#include <cstdint>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "engine/backends/key.h"
#include "engine/backends/reply_status.h"

namespace likesim {

enum class KvVerb : std::uint8_t {
  get,        // GET key                          -> value (0 and nil = true when missing)
  set,        // SET key arg                      -> 0
  incr_by,    // INCRBY key arg                   -> new value
  del,        // DEL key                          -> keys removed
  sadd,       // SADD key member(arg)             -> 1 if added
  srem,       // SREM key member(arg)             -> 1 if removed
  sismember,  // SISMEMBER key member(arg)        -> 1 if member
  bf_add,     // BF.ADD key item(arg)             -> 1 if newly added (some bit was 0)
  bf_exists,  // BF.EXISTS key item(arg)          -> 1 if maybe present
  // One script (EVALSHA): SADD key member(arg); if added, INCRBY key2 1. -> 1 if added.
  like_script,
  // One script: SREM key member(arg); if removed, INCRBY key2 -1.        -> 1 if removed.
  unlike_script,
};
constexpr int kKvVerbCount = 11;

struct KvCommand {
  KeyId key;
  KeyId key2;  // scripts only: the counter key
  std::int64_t arg = 0;
  KvVerb verb = KvVerb::get;

  static KvCommand get(KeyId k) { return {k, {}, 0, KvVerb::get}; }
  static KvCommand set(KeyId k, std::int64_t v) { return {k, {}, v, KvVerb::set}; }
  static KvCommand incr_by(KeyId k, std::int64_t d) { return {k, {}, d, KvVerb::incr_by}; }
};

struct KvReply {
  std::int64_t value = 0;
  ReplyStatus status = ReplyStatus::ok;
  bool nil = false;
};

enum class KvCallKind : std::uint8_t {
  single,    // one command, one request
  pipeline,  // n commands sent together: one request overhead, n command costs
  mget,      // n GETs as one MGET command (keys on several nodes are split per node)
};

// What an executor receives. It lives in the awaiting coroutine's frame until the waiter is
// resumed; `pending` and `scratch` are the executor's to use while the call is in flight.
struct KvCall {
  const KvCommand* commands = nullptr;
  KvReply* replies = nullptr;
  std::uint32_t n = 0;
  KvCallKind kind = KvCallKind::single;
  std::uint32_t pending = 0;
  std::coroutine_handle<> waiter;
};

class KvExecutor {
 public:
  virtual ~KvExecutor() = default;
  // Runs the call's commands, fills every reply, then resumes call->waiter.
  virtual void submit(KvCall* call) = 0;
};

// Commands sent together: a pipeline, or the keys of one MGET. Up to 16 live inline (an MGET
// of a post's shards), so a read costs no allocation.
class KvBatch {
 public:
  void add(const KvCommand& c) {
    commands_.push_back(c);
    replies_.emplace_back();
  }
  void clear() {
    commands_.clear();
    replies_.clear();
  }
  std::size_t size() const { return commands_.size(); }
  bool empty() const { return commands_.empty(); }
  const absl::InlinedVector<KvCommand, 16>& commands() const { return commands_; }
  const absl::InlinedVector<KvReply, 16>& replies() const { return replies_; }
  absl::InlinedVector<KvReply, 16>& replies() { return replies_; }

 private:
  absl::InlinedVector<KvCommand, 16> commands_;
  absl::InlinedVector<KvReply, 16> replies_;
};

class Kv {
 public:
  Kv() = default;
  explicit Kv(KvExecutor& exec) : exec_(&exec) {}

  struct SingleAwaiter {
    KvExecutor* exec;
    KvCommand command;
    KvReply reply;
    KvCall call;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      call = KvCall{&command, &reply, 1, KvCallKind::single, 0, h};
      exec->submit(&call);
    }
    KvReply await_resume() const noexcept { return reply; }
  };
  struct BatchAwaiter {
    KvExecutor* exec;
    KvBatch* batch;
    KvCallKind kind;
    KvCall call;
    bool await_ready() const noexcept { return batch->empty(); }
    void await_suspend(std::coroutine_handle<> h) {
      call = KvCall{batch->commands().data(),
                    batch->replies().data(),
                    static_cast<std::uint32_t>(batch->size()),
                    kind,
                    0,
                    h};
      exec->submit(&call);
    }
    // The worst status among the replies.
    ReplyStatus await_resume() const noexcept {
      ReplyStatus s = ReplyStatus::ok;
      for (const KvReply& r : batch->replies()) s = worse(s, r.status);
      return s;
    }
  };

  [[nodiscard]] SingleAwaiter run(const KvCommand& c) { return {exec_, c, {}, {}}; }
  [[nodiscard]] SingleAwaiter get(KeyId k) { return run(KvCommand::get(k)); }
  [[nodiscard]] SingleAwaiter set(KeyId k, std::int64_t v) { return run(KvCommand::set(k, v)); }
  [[nodiscard]] SingleAwaiter incr_by(KeyId k, std::int64_t d) {
    return run(KvCommand::incr_by(k, d));
  }
  [[nodiscard]] SingleAwaiter sadd(KeyId k, UserId m) { return run({k, {}, m, KvVerb::sadd}); }
  [[nodiscard]] SingleAwaiter srem(KeyId k, UserId m) { return run({k, {}, m, KvVerb::srem}); }
  [[nodiscard]] SingleAwaiter sismember(KeyId k, UserId m) {
    return run({k, {}, m, KvVerb::sismember});
  }
  [[nodiscard]] SingleAwaiter bf_add(KeyId k, UserId m) { return run({k, {}, m, KvVerb::bf_add}); }
  [[nodiscard]] SingleAwaiter bf_exists(KeyId k, UserId m) {
    return run({k, {}, m, KvVerb::bf_exists});
  }
  [[nodiscard]] SingleAwaiter like_script(KeyId set, KeyId counter, UserId m) {
    return run({set, counter, m, KvVerb::like_script});
  }
  [[nodiscard]] SingleAwaiter unlike_script(KeyId set, KeyId counter, UserId m) {
    return run({set, counter, m, KvVerb::unlike_script});
  }
  // The batch must outlive the co_await (keep it in the coroutine frame).
  [[nodiscard]] BatchAwaiter pipeline(KvBatch& b) { return {exec_, &b, KvCallKind::pipeline, {}}; }
  [[nodiscard]] BatchAwaiter mget(KvBatch& b) { return {exec_, &b, KvCallKind::mget, {}}; }

  bool valid() const { return exec_ != nullptr; }

 private:
  KvExecutor* exec_ = nullptr;
};

}  // namespace likesim
