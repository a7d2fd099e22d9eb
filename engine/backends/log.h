// Log: a Kafka-like event log with one consumer group, in either world.
//
// Producers append a like/unlike event keyed by post (partition = post's hash mod partitions).
// Consumer i of the group owns partitions p with p % consumers == i, polls batches from its
// position, and commits offsets. After a consumer crash, rewind() moves its positions back to
// the last committed offsets, so an uncommitted batch is delivered again. Simulated as Kafka
// (sim::KafkaLog: linger, batching, lag); real on Redis Streams (issue 3).
//
//   LogReply a = co_await log.append(LogEvent{post, user, +1});
//   LogRecord recs[512];
//   LogReply p = co_await log.poll(consumer, recs);     // p.n records of partition p.partition
//   co_await log.commit(consumer, p.partition, recs[p.n - 1].offset + 1);
#pragma once

#include <coroutine>
#include <cstdint>
#include <span>

#include "engine/backends/reply_status.h"
#include "engine/core/random_stream.h"
#include "engine/model/ids.h"

namespace likesim {

struct LogEvent {
  PostId post = 0;
  UserId user = 0;
  std::int32_t delta = 0;  // +1 like, -1 unlike
};

struct LogRecord {
  LogEvent event;
  std::uint32_t partition = 0;
  std::int64_t offset = 0;
};

enum class LogVerb : std::uint8_t { append, poll, commit, rewind };

struct LogReply {
  ReplyStatus status = ReplyStatus::ok;
  std::uint32_t n = 0;          // poll: records written
  std::uint32_t partition = 0;  // append: where it went; poll: which partition the batch is from
  std::int64_t offset = 0;      // append: its offset
};

struct LogCall {
  LogVerb verb = LogVerb::append;
  std::uint32_t consumer = 0;
  std::uint32_t partition = 0;
  std::int64_t offset = 0;  // commit: the next offset to read
  LogEvent event;
  LogRecord* out = nullptr;  // poll
  std::uint32_t max = 0;     // poll
  LogReply reply;
  std::coroutine_handle<> waiter;
};

// The partition an event of `post` goes to: the same in both worlds (Kafka's key hashing,
// and the real log's stream per partition).
inline std::uint32_t log_partition(PostId post, std::uint32_t partitions) {
  return static_cast<std::uint32_t>(mix64(post) % partitions);
}

// How many partitions consumer `consumer` owns (those p with p % consumers == consumer): the
// same in every log.
inline std::uint32_t log_owned_partitions(std::uint32_t consumer, std::uint32_t partitions,
                                          std::uint32_t consumers) {
  return consumer < partitions ? (partitions - consumer + consumers - 1) / consumers : 0;
}

class LogExecutor {
 public:
  virtual ~LogExecutor() = default;
  virtual std::uint32_t partitions() const = 0;
  virtual std::uint32_t consumers() const = 0;
  // Runs the call, fills call->reply, then resumes call->waiter (never from inside submit).
  // poll waits up to the log's poll timeout for records, then answers with n = 0.
  virtual void submit(LogCall* call) = 0;
};

class Log {
 public:
  Log() = default;
  explicit Log(LogExecutor& exec) : exec_(&exec) {}

  struct Awaiter {
    LogExecutor* exec;
    LogCall call;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      call.waiter = h;
      exec->submit(&call);
    }
    LogReply await_resume() const noexcept { return call.reply; }
  };

  [[nodiscard]] Awaiter append(const LogEvent& e) {
    LogCall c;
    c.verb = LogVerb::append;
    c.event = e;
    return {exec_, c};
  }
  [[nodiscard]] Awaiter poll(std::uint32_t consumer, std::span<LogRecord> out) {
    LogCall c;
    c.verb = LogVerb::poll;
    c.consumer = consumer;
    c.out = out.data();
    c.max = static_cast<std::uint32_t>(out.size());
    return {exec_, c};
  }
  [[nodiscard]] Awaiter commit(std::uint32_t consumer, std::uint32_t partition,
                               std::int64_t next_offset) {
    LogCall c;
    c.verb = LogVerb::commit;
    c.consumer = consumer;
    c.partition = partition;
    c.offset = next_offset;
    return {exec_, c};
  }
  [[nodiscard]] Awaiter rewind(std::uint32_t consumer) {
    LogCall c;
    c.verb = LogVerb::rewind;
    c.consumer = consumer;
    return {exec_, c};
  }
  std::uint32_t partitions() const { return exec_->partitions(); }
  std::uint32_t consumers() const { return exec_->consumers(); }
  bool valid() const { return exec_ != nullptr; }

 private:
  LogExecutor* exec_ = nullptr;
};

}  // namespace likesim
