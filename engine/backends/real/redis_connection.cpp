#include "engine/backends/real/redis_connection.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <charconv>
#include <ctime>
#include <new>
#include <utility>

#include "engine/backends/real/backend_error.h"

namespace likesim::real {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::tcp;

// Asio's messages start with a capital ("Connection refused"); ours continue a sentence.
std::string sentence_part(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// How often in-flight commands are checked against the timeout: often enough that a timeout
// fires at most an eighth late, rarely enough to cost nothing.
std::chrono::milliseconds check_period(std::chrono::milliseconds timeout) {
  return std::clamp<std::chrono::milliseconds>(timeout / 8, 1ms, 100ms);
}

}  // namespace

RedisConnection::Stamp RedisConnection::coarse_now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

bool RedisConnection::timed_out(Stamp now, Stamp since) const {
  static const Stamp tick = [] {
    timespec res{};
    clock_getres(CLOCK_MONOTONIC_COARSE, &res);
    return Stamp(std::chrono::seconds(res.tv_sec) + std::chrono::nanoseconds(res.tv_nsec));
  }();
  return now - since > options_.timeout + tick;
}

thread_local RedisConnection* RedisConnection::delivering_ = nullptr;

void RedisConnection::InFlightQueue::grow() {
  std::vector<InFlight> bigger(std::max<std::size_t>(16, slots_.size() * 2));
  for (std::size_t i = 0; i < size_; ++i) bigger[i] = slots_[(head_ + i) & (slots_.size() - 1)];
  slots_.swap(bigger);
  head_ = 0;
}

std::shared_ptr<RedisConnection> RedisConnection::create(boost::asio::io_context& io,
                                                         Endpoint endpoint,
                                                         RedisConnectionOptions options) {
  return std::shared_ptr<RedisConnection>(
      new RedisConnection(io, std::move(endpoint), std::move(options)));
}

RedisConnection::RedisConnection(boost::asio::io_context& io, Endpoint endpoint,
                                 RedisConnectionOptions options)
    : io_(io),
      endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      name_("redis " + endpoint_.text()),
      socket_(io),
      timeout_timer_(io),
      reconnect_timer_(io) {}

RedisConnection::~RedisConnection() {
  if (reader_) redisReaderFree(reader_);
}

void RedisConnection::start() {
  if (state_ != State::idle) return;
  boost::system::error_code ec;
  const boost::asio::ip::address ip = boost::asio::ip::make_address(endpoint_.host, ec);
  if (!ec) {
    address_ = tcp::endpoint(ip, endpoint_.port);
  } else {
    tcp::resolver resolver(io_);
    const auto results = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
    if (ec || results.empty()) {
      throw BackendError(name_, "cannot resolve the host: " + sentence_part(ec.message()));
    }
    address_ = results.begin()->endpoint();
  }
  connect();
}

void RedisConnection::close() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  ++generation_;
  boost::system::error_code ignored;
  socket_.close(ignored);
  timeout_timer_.cancel();
  reconnect_timer_.cancel();
  pending_.clear();
  out_.clear();
}

void RedisConnection::connect() {
  state_ = State::connecting;
  ++generation_;
  connect_started_ = coarse_now();
  reset_reader();
  socket_.async_connect(address_, [self = shared_from_this(),
                                   generation = generation_](const boost::system::error_code& ec) {
    if (generation != self->generation_) return;
    if (ec) {
      self->fail(sentence_part(ec.message()));
      return;
    }
    self->on_connected();
  });
  arm_timeout_check();
}

void RedisConnection::on_connected() {
  state_ = State::connected;
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);  // a pipelined client must not wait on Nagle
  if (!options_.client_name.empty()) {
    // Ahead of what was queued while connecting, so its reply comes first and is skipped.
    RespCommand setname;
    setname.begin(3).arg("CLIENT").arg("SETNAME").arg(options_.client_name);
    out_.insert(0, setname.bytes());
    ++replies_to_skip_;
  }
  read_more();
  flush();
}

bool RedisConnection::send(std::span<const std::string_view> argv, RedisReplyHandler* handler) {
  return send_encoded(encoder_.args(argv).bytes(), handler);
}

bool RedisConnection::send_encoded(std::string_view command, RedisReplyHandler* handler) {
  if (state_ != State::connecting && state_ != State::connected) return false;
  out_.append(command);
  pending_.push_back(InFlight{handler, coarse_now()});
  // While delivering its replies, the read handler flushes right after (see read_more()).
  if (state_ == State::connected && delivering_ != this) schedule_flush();
  arm_timeout_check();
  return true;
}

void RedisConnection::schedule_flush() {
  // Writing from a posted handler, not from send(), lets every command issued in the current
  // round of the event loop (a burst of replies resuming many coroutines) share one write.
  // Commands answering this connection's own replies go out sooner: the read handler flushes
  // right after delivering them.
  if (flush_posted_ || write_in_flight_) return;  // a write's completion flushes as well
  flush_posted_ = true;
  boost::asio::post(io_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->flush();
  });
}

void RedisConnection::flush() {
  if (state_ != State::connected || write_in_flight_ || out_.empty()) return;
  writing_.swap(out_);
  out_.clear();
  written_ = pending_.size();
  write_in_flight_ = true;
  boost::asio::async_write(socket_, boost::asio::buffer(writing_),
                           [self = shared_from_this(), generation = generation_](
                               const boost::system::error_code& ec, std::size_t) {
                             if (generation != self->generation_) return;
                             self->write_in_flight_ = false;
                             self->writing_.clear();
                             if (ec) {
                               self->fail("write failed: " + sentence_part(ec.message()));
                               return;
                             }
                             self->flush();
                           });
}

void RedisConnection::read_more() {
  socket_.async_read_some(boost::asio::buffer(read_buffer_),
                          [self = shared_from_this(), generation = generation_](
                              const boost::system::error_code& ec, std::size_t bytes) {
                            if (generation != self->generation_) return;
                            if (ec == boost::asio::error::eof) {
                              self->fail("connection closed by the server");
                            } else if (ec) {
                              self->fail(sentence_part(ec.message()));
                            } else if (self->deliver(bytes)) {
                              self->flush();  // the answers to these replies, without a hop
                              self->read_more();
                            }
                          });
}

bool RedisConnection::deliver(std::size_t bytes) {
  if (redisReaderFeed(reader_, read_buffer_.data(), bytes) != REDIS_OK) {
    fail("cannot buffer a reply");
    return false;
  }
  const std::uint64_t generation = generation_;
  struct Delivering {
    RedisConnection* previous;
    explicit Delivering(RedisConnection* c) : previous(std::exchange(delivering_, c)) {}
    ~Delivering() { delivering_ = previous; }
  } delivering(this);
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
      fail(std::string("protocol error: ") + reader_->errstr);
      return false;
    }
    if (raw == nullptr) return true;  // the rest of the reply has not arrived yet
    RedisReplyPtr reply(static_cast<redisReply*>(raw));
    if (replies_to_skip_ > 0) {
      --replies_to_skip_;
      continue;
    }
    if (pending_.empty()) {
      fail("a reply to no command");
      return false;
    }
    const InFlight f = pending_.pop_front();
    if (written_ > 0) --written_;
    if (f.handler) f.handler->on_reply(ReplyStatus::ok, std::move(reply));
    // The handler resumed a coroutine, which may have closed this connection.
    if (generation != generation_) return false;
  }
}

void RedisConnection::arm_timeout_check() {
  if (timeout_check_armed_) return;
  timeout_check_armed_ = true;
  timeout_timer_.expires_after(check_period(options_.timeout));
  timeout_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->timeout_check_armed_ = false;
    if (ec || self->state_ == State::closed) return;
    self->on_timeout_check();
  });
}

void RedisConnection::on_timeout_check() {
  const Stamp now = coarse_now();
  const std::string limit = std::to_string(options_.timeout.count()) + " ms";
  if (state_ == State::connecting && timed_out(now, connect_started_)) {
    fail("no connection within " + limit);
    return;
  }
  if (state_ == State::connected && !pending_.empty() && timed_out(now, pending_.front().queued)) {
    // The oldest command is late; the ones behind it cannot be answered before it.
    fail("no reply within " + limit);
    return;
  }
  if (state_ == State::connecting || (state_ == State::connected && !pending_.empty())) {
    arm_timeout_check();
  }
}

void RedisConnection::fail(const std::string& why) {
  if (state_ == State::closed || state_ == State::down) return;
  last_error_ = why;
  ++generation_;
  boost::system::error_code ignored;
  socket_.close(ignored);
  state_ = State::down;
  write_in_flight_ = false;
  out_.clear();
  replies_to_skip_ = 0;
  InFlightQueue failed;
  std::swap(failed, pending_);
  const std::size_t written = std::exchange(written_, 0);
  schedule_reconnect();
  // Last, because the handlers resume coroutines that may send again (and be refused).
  for (std::size_t i = 0; !failed.empty(); ++i) {
    const InFlight f = failed.pop_front();
    if (f.handler) {
      f.handler->on_reply(i < written ? ReplyStatus::timeout : ReplyStatus::unavailable, nullptr);
    }
  }
}

void RedisConnection::schedule_reconnect() {
  reconnect_timer_.expires_after(options_.reconnect_delay);
  reconnect_timer_.async_wait(
      [self = shared_from_this(), generation = generation_](const boost::system::error_code& ec) {
        if (ec || generation != self->generation_ || self->state_ != State::down) return;
        ++self->reconnects_;
        self->connect();
      });
}

void RedisConnection::reset_reader() {
  if (reader_) redisReaderFree(reader_);
  reader_ = redisReaderCreate();
  if (reader_ == nullptr) throw std::bad_alloc();
}

}  // namespace likesim::real
