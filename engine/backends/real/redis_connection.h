// RedisConnection: one pipelined TCP connection to one Redis node, driven by Asio.
//
// Commands are encoded (RESP) into an output buffer and written by at most one async_write at
// a time; commands queued while a write is in flight go out together with the next one, so a
// burst of commands costs one system call. Replies are parsed by a hiredis reader fed from one
// continuous read loop and matched to the commands in order.
//
//   auto conn = RedisConnection::create(io, {"127.0.0.1", 7001}, {.timeout = 1s});
//   conn->start();                                    // connects in the background
//   std::string_view argv[] = {"INCRBY", "k", "1"};
//   if (!conn->send(argv, &handler)) ...              // down: nothing was sent
//
// A pipelined connection cannot skip one reply, so every failure is the connection's: on an
// error, EOF or a command older than `timeout`, every command in flight ends with timeout (it
// may have run; one never written ends with unavailable), the socket is closed and reconnected
// after `reconnect_delay`. While it is down, send() refuses commands.
#pragma once

#include <hiredis/hiredis.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backends/key.h"
#include "engine/backends/real/endpoint.h"
#include "engine/backends/real/redis_client.h"

namespace likesim::real {

// Receives one command's outcome. It lives wherever the sender keeps its in-flight state (a
// pooled operation, a coroutine frame); the connection holds only a pointer, and calls it
// exactly once, from the I/O loop — unless the connection is closed first.
class RedisReplyHandler {
 public:
  // ok: `reply` is the server's answer (an error reply included). timeout: the command was
  // written but no answer came (it may have run). unavailable: it was never written.
  virtual void on_reply(ReplyStatus status, RedisReplyPtr reply) = 0;

 protected:
  ~RedisReplyHandler() = default;
};

struct RedisConnectionOptions {
  std::chrono::milliseconds timeout{1000};  // per command, and for a connection attempt
  std::chrono::milliseconds reconnect_delay{100};
  std::string client_name;  // sent as CLIENT SETNAME on every connect when not empty
  // Who made the connection and for which of its nodes, so the owner can recognise its own
  // connection in delivering().
  const void* owner = nullptr;
  int owner_node = 0;
};

// One command encoded as RESP, an array of bulk strings: the bytes redisFormatCommandArgv
// produces, written straight from keys and integers without its sprintf calls and malloc
// (they were a quarter of the driver's CPU time at a million commands per second). Reused
// between commands, it stops allocating once grown.
//
//   RespCommand c;
//   c.begin(3).arg("INCRBY").arg(KeyId::counter(7)).arg(1);
//   conn->send_encoded(c.bytes(), &handler);
class RespCommand {
 public:
  RespCommand& begin(std::size_t argc) {
    text_.clear();
    header('*', argc);
    return *this;
  }
  RespCommand& arg(std::string_view a) {
    header('$', a.size());
    text_.append(a);
    text_.append("\r\n", 2);
    return *this;
  }
  RespCommand& arg(const char* a) { return arg(std::string_view(a)); }
  RespCommand& arg(std::int64_t v) {
    char buf[24];
    return arg(
        std::string_view(buf, static_cast<std::size_t>(std::to_chars(buf, buf + 24, v).ptr - buf)));
  }
  RespCommand& arg(const KeyId& key) {
    char buf[48];
    return arg(std::string_view(buf, render_key(key, buf)));
  }
  RespCommand& args(std::span<const std::string_view> argv) {
    begin(argv.size());
    for (std::string_view a : argv) arg(a);
    return *this;
  }
  std::string_view bytes() const { return text_; }

 private:
  void header(char prefix, std::size_t n) {  // "<prefix><n>\r\n"
    char buf[24];
    buf[0] = prefix;
    char* end = std::to_chars(buf + 1, buf + 22, n).ptr;
    *end++ = '\r';
    *end++ = '\n';
    text_.append(buf, static_cast<std::size_t>(end - buf));
  }
  std::string text_;
};

class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
 public:
  enum class State : std::uint8_t { idle, connecting, connected, down, closed };

  // Shared because Asio's completion handlers keep the connection alive until they have run,
  // even after its owner has closed it.
  static std::shared_ptr<RedisConnection> create(boost::asio::io_context& io, Endpoint endpoint,
                                                 RedisConnectionOptions options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Starts the first connection attempt (resolving the host name now, blocking).
  void start();
  // Closes the socket for good. Commands in flight are dropped without a reply: their owner is
  // going away.
  void close();

  // Queues one command; `handler` gets its reply (null: the reply is dropped). Accepted while
  // connecting or connected (written once connected); false, with nothing queued, while down
  // or closed.
  bool send(std::span<const std::string_view> argv, RedisReplyHandler* handler);
  // The same for a command already encoded (RespCommand::bytes()).
  bool send_encoded(std::string_view command, RedisReplyHandler* handler);

  State state() const { return state_; }
  // "redis host:port", the prefix of every message about this node.
  const std::string& name() const { return name_; }
  const Endpoint& endpoint() const { return endpoint_; }
  // Why the last connection attempt failed or the connection dropped ("connection refused").
  const std::string& last_error() const { return last_error_; }
  std::size_t in_flight() const { return pending_.size(); }
  std::uint64_t reconnects() const { return reconnects_; }
  const void* owner() const { return options_.owner; }
  int owner_node() const { return options_.owner_node; }

  // The connection whose replies are being handed out right now (null outside that). A sender
  // answering a reply with its next command can stay on that connection: the commands
  // resumed by one read then leave in one write, as redis-benchmark -P sends its pipelines,
  // instead of one command per connection.
  static RedisConnection* delivering() { return delivering_; }

 private:
  RedisConnection(boost::asio::io_context& io, Endpoint endpoint, RedisConnectionOptions options);

  // CLOCK_MONOTONIC_COARSE: every command is stamped, and this clock costs a few ns to read
  // where steady_clock costs ~20; its few ms of resolution are plenty for a timeout.
  using Stamp = std::chrono::nanoseconds;
  static Stamp coarse_now();
  // Whether more than the timeout has passed since `since` (a coarse stamp). A stamp may read
  // up to one tick of the clock early, so the tick is added: a timeout never fires early.
  bool timed_out(Stamp now, Stamp since) const;
  struct InFlight {
    RedisReplyHandler* handler;  // null: a reply nobody waits for (ASKING, SCRIPT LOAD)
    Stamp queued;
  };
  // A FIFO ring that keeps its storage, so a steady stream of commands allocates nothing.
  class InFlightQueue {
   public:
    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    const InFlight& front() const { return slots_[head_]; }
    void push_back(const InFlight& f) {
      if (size_ == slots_.size()) grow();
      slots_[(head_ + size_) & (slots_.size() - 1)] = f;
      ++size_;
    }
    InFlight pop_front() {
      const InFlight f = slots_[head_];
      head_ = (head_ + 1) & (slots_.size() - 1);
      --size_;
      return f;
    }
    void clear() { head_ = size_ = 0; }

   private:
    void grow();  // capacity stays a power of two, so indices wrap with a mask
    std::vector<InFlight> slots_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
  };

  void connect();
  void on_connected();
  void queue_formatted(std::span<const std::string_view> argv, RedisReplyHandler* handler);
  void schedule_flush();
  void flush();
  void read_more();
  // Hands out the replies in `bytes` of read_buffer_; false if the connection ended.
  bool deliver(std::size_t bytes);
  void arm_timeout_check();
  void on_timeout_check();
  // Ends the connection: fails what is in flight and schedules the reconnection.
  void fail(const std::string& why);
  void schedule_reconnect();
  void reset_reader();

  boost::asio::io_context& io_;
  Endpoint endpoint_;
  RedisConnectionOptions options_;
  std::string name_;
  boost::asio::ip::tcp::endpoint address_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timeout_timer_;
  boost::asio::steady_timer reconnect_timer_;
  State state_ = State::idle;
  // Bumped on every (re)connection: completions of an older socket find a different number
  // and leave the current one alone.
  std::uint64_t generation_ = 0;

  std::string out_;      // formatted commands not yet handed to a write
  std::string writing_;  // the bytes of the write in flight
  bool write_in_flight_ = false;
  bool flush_posted_ = false;
  bool timeout_check_armed_ = false;
  InFlightQueue pending_;
  // The first `written_` entries of pending_ were handed to a write; the rest were queued
  // while connecting or during the write in flight.
  std::size_t written_ = 0;
  int replies_to_skip_ = 0;  // CLIENT SETNAME's, which goes out ahead of pending_
  Stamp connect_started_{};

  static thread_local RedisConnection* delivering_;

  RespCommand encoder_;  // send()'s
  redisReader* reader_ = nullptr;
  std::array<char, 64 * 1024> read_buffer_;
  std::string last_error_;
  std::uint64_t reconnects_ = 0;
};

}  // namespace likesim::real
