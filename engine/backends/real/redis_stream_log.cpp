#include "engine/backends/real/redis_stream_log.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backends/real/backend_error.h"
#include "engine/backends/run_log_call.h"

namespace likesim::real {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kGroup = "likesim";
// Between empty rounds of a poll: short next to a poll timeout, long next to a round trip.
constexpr Duration kEmptyRoundPause = 2ms;
constexpr Duration kResetLimit = 10s;
// A stream ID's sequence number gets the low 20 bits of an offset (a million entries per
// millisecond per partition, far beyond one Redis node).
constexpr int kSeqBits = 20;

std::string_view text_of(const redisReply& r) { return {r.str, r.len}; }

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// "1700000000000-5" -> (1700000000000 << 20) | 5.
bool offset_of_id(std::string_view id, std::int64_t& offset) {
  const std::size_t dash = id.find('-');
  std::int64_t ms = 0;
  std::int64_t seq = 0;
  if (dash == std::string_view::npos || !parse_int(id.substr(0, dash), ms) ||
      !parse_int(id.substr(dash + 1), seq) || seq >= (std::int64_t{1} << kSeqBits)) {
    return false;
  }
  offset = (ms << kSeqBits) | seq;
  return true;
}

std::string id_of_offset(std::int64_t offset) {
  return std::to_string(offset >> kSeqBits) + "-" +
         std::to_string(offset & ((std::int64_t{1} << kSeqBits) - 1));
}

// One stream entry, [id, [field, value, ...]], as a record; false if it is not one of ours.
bool parse_entry(const redisReply& entry, std::uint32_t partition, LogRecord& out) {
  if (entry.type != REDIS_REPLY_ARRAY || entry.elements != 2) return false;
  const redisReply& fields = *entry.element[1];
  if (fields.type != REDIS_REPLY_ARRAY) return false;
  out = LogRecord{};
  out.partition = partition;
  if (!offset_of_id(text_of(*entry.element[0]), out.offset)) return false;
  for (std::size_t i = 0; i + 1 < fields.elements; i += 2) {
    const std::string_view name = text_of(*fields.element[i]);
    const std::string_view value = text_of(*fields.element[i + 1]);
    bool ok = true;
    if (name == "post") ok = parse_int(value, out.event.post);
    if (name == "user") ok = parse_int(value, out.event.user);
    if (name == "delta") ok = parse_int(value, out.event.delta);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

struct RedisStreamLog::Impl {
  struct Partition {
    std::string key;                   // "log:{p}"
    std::deque<std::int64_t> unacked;  // delivered, not yet acknowledged, in delivery order
    std::int64_t appended = 0;
    std::int64_t acked = 0;
    // After a rewind: the pending entries are taken over with XAUTOCLAIM from this cursor
    // before new entries are read.
    bool reclaiming = false;
    std::string reclaim_cursor = "0-0";
    std::uint64_t rewinds = 0;  // a commit in flight across a rewind must not drop new IDs
  };
  struct Consumer {
    std::string name;  // a new one after each rewind: the crashed consumer's replacement
    std::uint32_t generation = 0;
    std::uint32_t next = 0;  // round robin over the owned partitions
  };

  Impl(AsioRuntime& runtime, RedisClient& client, StreamLogOptions opts);

  Task<LogReply> append(LogEvent event);
  Task<LogReply> poll(std::uint32_t consumer, LogRecord* out, std::uint32_t max);
  // One read of one partition: reclaimed entries first, then new ones. reply.n = records.
  Task<LogReply> read_partition(std::uint32_t consumer, std::uint32_t partition, LogRecord* out,
                                std::uint32_t max);
  Task<LogReply> commit(std::uint32_t partition, std::int64_t next_offset);
  LogReply rewind(std::uint32_t consumer);
  Task<void> reset();

  std::uint32_t owned_partitions(std::uint32_t consumer) const {
    return log_owned_partitions(consumer, static_cast<std::uint32_t>(parts.size()),
                                static_cast<std::uint32_t>(consumers.size()));
  }
  void name_consumer(std::uint32_t c) {
    consumers[c].name =
        "consumer-" + std::to_string(c) + "-" + std::to_string(consumers[c].generation);
  }
  // Records the entries of an XREADGROUP / XAUTOCLAIM entry list as delivered.
  std::uint32_t take_entries(const redisReply& entries, std::uint32_t partition, LogRecord* out,
                             std::uint32_t max, bool redelivery);

  AsioRuntime& rt;
  RedisClient& redis;
  StreamLogOptions options;
  std::vector<Partition> parts;
  std::vector<Consumer> consumers;
  std::uint64_t redelivered = 0;
};

RedisStreamLog::Impl::Impl(AsioRuntime& runtime, RedisClient& client, StreamLogOptions opts)
    : rt(runtime),
      redis(client),
      options(opts),
      parts(std::max<std::uint32_t>(1, opts.partitions)),
      consumers(std::max<std::uint32_t>(1, opts.consumers)) {
  for (std::size_t p = 0; p < parts.size(); ++p) parts[p].key = "log:{" + std::to_string(p) + "}";
  for (std::uint32_t c = 0; c < consumers.size(); ++c) name_consumer(c);
}

Task<LogReply> RedisStreamLog::Impl::append(LogEvent event) {
  const std::uint32_t p = log_partition(event.post, static_cast<std::uint32_t>(parts.size()));
  Partition& part = parts[p];
  std::vector<std::string> argv = {"XADD",
                                   part.key,
                                   "*",
                                   "post",
                                   std::to_string(event.post),
                                   "user",
                                   std::to_string(event.user),
                                   "delta",
                                   std::to_string(event.delta)};
  RedisResult r = co_await redis.command(std::move(argv), part.key);
  LogReply reply;
  reply.partition = p;
  reply.status = r.status;
  if (r.status != ReplyStatus::ok) co_return reply;
  if (r.reply->type != REDIS_REPLY_STRING || !offset_of_id(text_of(*r.reply), reply.offset)) {
    reply.status = ReplyStatus::error;
    co_return reply;
  }
  ++part.appended;
  co_return reply;
}

Task<LogReply> RedisStreamLog::Impl::poll(std::uint32_t consumer, LogRecord* out,
                                          std::uint32_t max) {
  LogReply reply;
  if (consumer >= consumers.size()) {
    reply.status = ReplyStatus::error;
    co_return reply;
  }
  const std::uint32_t limit = std::min(max, options.max_poll_records);
  const std::uint32_t owned = owned_partitions(consumer);
  const Time deadline = rt.now() + options.poll_timeout;
  for (;;) {
    for (std::uint32_t k = 0; k < owned && limit > 0; ++k) {
      Consumer& c = consumers[consumer];
      const std::uint32_t p =
          consumer + ((c.next + k) % owned) * static_cast<std::uint32_t>(consumers.size());
      const LogReply got = co_await read_partition(consumer, p, out, limit);
      if (got.status != ReplyStatus::ok || got.n > 0) {
        consumers[consumer].next = (consumers[consumer].next + k + 1) % owned;
        co_return got;
      }
    }
    const Time now = rt.now();
    if (now >= deadline) co_return reply;  // n = 0: nothing within the poll timeout
    co_await rt.sleep_for(std::min<Duration>(kEmptyRoundPause, deadline - now));
  }
}

std::uint32_t RedisStreamLog::Impl::take_entries(const redisReply& entries, std::uint32_t partition,
                                                 LogRecord* out, std::uint32_t max,
                                                 bool redelivery) {
  if (entries.type != REDIS_REPLY_ARRAY) return 0;
  Partition& part = parts[partition];
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < entries.elements && n < max; ++i) {
    // XAUTOCLAIM of Redis < 7 lists a deleted entry as nil; there is nothing to deliver.
    if (!parse_entry(*entries.element[i], partition, out[n])) continue;
    part.unacked.push_back(out[n].offset);
    ++n;
  }
  if (redelivery) redelivered += n;
  return n;
}

Task<LogReply> RedisStreamLog::Impl::read_partition(std::uint32_t consumer, std::uint32_t partition,
                                                    LogRecord* out, std::uint32_t max) {
  Partition& part = parts[partition];
  LogReply reply;
  reply.partition = partition;
  const std::string count = std::to_string(max);
  if (part.reclaiming) {
    // XAUTOCLAIM key group consumer min-idle start COUNT n -> [cursor, entries, deleted ids].
    std::vector<std::string> argv = {"XAUTOCLAIM",
                                     part.key,
                                     std::string(kGroup),
                                     consumers[consumer].name,
                                     "0",
                                     part.reclaim_cursor,
                                     "COUNT",
                                     count};
    RedisResult r = co_await redis.command(std::move(argv), part.key);
    reply.status = r.status;
    if (r.status != ReplyStatus::ok) co_return reply;
    const redisReply& claimed = *r.reply;
    if (claimed.type != REDIS_REPLY_ARRAY || claimed.elements < 2 ||
        claimed.element[0]->type != REDIS_REPLY_STRING) {
      reply.status = ReplyStatus::error;
      co_return reply;
    }
    part.reclaim_cursor = std::string(text_of(*claimed.element[0]));
    if (part.reclaim_cursor == "0-0") part.reclaiming = false;  // the whole list was scanned
    reply.n = take_entries(*claimed.element[1], partition, out, max, true);
    // Reclaimed entries go out before any new one, even when the scan has not finished.
    if (reply.n > 0 || part.reclaiming) co_return reply;
  }
  // XREADGROUP GROUP g consumer COUNT n STREAMS key > -> [[key, entries]] or nil.
  std::vector<std::string> argv = {
      "XREADGROUP", "GROUP", std::string(kGroup), consumers[consumer].name,
      "COUNT",      count,   "STREAMS",           part.key,
      ">"};
  RedisResult r = co_await redis.command(std::move(argv), part.key);
  reply.status = r.status;
  if (r.status != ReplyStatus::ok) co_return reply;
  const redisReply& streams = *r.reply;
  if (streams.type == REDIS_REPLY_NIL) co_return reply;
  if (streams.type != REDIS_REPLY_ARRAY) {
    reply.status = ReplyStatus::error;
    co_return reply;
  }
  for (std::size_t i = 0; i < streams.elements; ++i) {
    const redisReply& stream = *streams.element[i];
    if (stream.type == REDIS_REPLY_ARRAY && stream.elements == 2) {
      reply.n += take_entries(*stream.element[1], partition, out + reply.n, max - reply.n, false);
    }
  }
  co_return reply;
}

Task<LogReply> RedisStreamLog::Impl::commit(std::uint32_t partition, std::int64_t next_offset) {
  LogReply reply;
  reply.partition = partition;
  if (partition >= parts.size()) {
    reply.status = ReplyStatus::error;
    co_return reply;
  }
  Partition& part = parts[partition];
  std::vector<std::string> argv = {"XACK", part.key, std::string(kGroup)};
  for (std::int64_t offset : part.unacked) {
    if (offset >= next_offset) break;  // delivery order is ID order
    argv.push_back(id_of_offset(offset));
  }
  const std::size_t ids = argv.size() - 3;
  if (ids == 0) co_return reply;
  const std::uint64_t rewinds = part.rewinds;
  RedisResult r = co_await redis.command(std::move(argv), part.key);
  reply.status = r.status;
  if (r.status != ReplyStatus::ok) co_return reply;  // still unacked: a retry sends them again
  if (r.reply->type != REDIS_REPLY_INTEGER) {
    reply.status = ReplyStatus::error;
    co_return reply;
  }
  part.acked += r.reply->integer;
  if (part.rewinds == rewinds) {
    part.unacked.erase(part.unacked.begin(),
                       part.unacked.begin() + static_cast<std::ptrdiff_t>(ids));
  }
  co_return reply;
}

LogReply RedisStreamLog::Impl::rewind(std::uint32_t consumer) {
  LogReply reply;
  if (consumer >= consumers.size()) {
    reply.status = ReplyStatus::error;
    return reply;
  }
  ++consumers[consumer].generation;
  name_consumer(consumer);
  for (std::size_t p = consumer; p < parts.size(); p += consumers.size()) {
    Partition& part = parts[p];
    part.reclaiming = true;
    part.reclaim_cursor = "0-0";
    part.unacked.clear();  // the reclaimed entries are recorded again as they are delivered
    ++part.rewinds;
  }
  return reply;
}

Task<void> RedisStreamLog::Impl::reset() {
  for (Partition& part : parts) {
    const std::string server = "redis " + redis.nodes()[redis.node_of(part.key)].text();
    std::vector<std::string> del_argv = {"DEL", part.key};
    RedisResult del = co_await redis.command(std::move(del_argv), part.key);
    if (del.status != ReplyStatus::ok) throw BackendError(server, del.error);
    std::vector<std::string> create_argv = {"XGROUP", "CREATE",  part.key, std::string(kGroup),
                                            "$",      "MKSTREAM"};
    RedisResult create = co_await redis.command(std::move(create_argv), part.key);
    if (create.status != ReplyStatus::ok) throw BackendError(server, create.error);
    if (create.reply->type == REDIS_REPLY_ERROR) {
      throw BackendError(server,
                         "XGROUP CREATE " + part.key + ": " + std::string(text_of(*create.reply)));
    }
    part.unacked.clear();
    part.appended = part.acked = 0;
    part.reclaiming = false;
    part.reclaim_cursor = "0-0";
  }
  for (std::uint32_t c = 0; c < consumers.size(); ++c) {
    consumers[c].generation = 0;
    consumers[c].next = 0;
    name_consumer(c);
  }
  redelivered = 0;
}

RedisStreamLog::RedisStreamLog(AsioRuntime& rt, RedisClient& redis, StreamLogOptions options)
    : impl_(std::make_unique<Impl>(rt, redis, options)) {}

RedisStreamLog::~RedisStreamLog() = default;

std::uint32_t RedisStreamLog::partitions() const {
  return static_cast<std::uint32_t>(impl_->parts.size());
}

std::uint32_t RedisStreamLog::consumers() const {
  return static_cast<std::uint32_t>(impl_->consumers.size());
}

void RedisStreamLog::submit(LogCall* call) {
  // spawn() starts the task from the runtime's queue, never inside submit().
  impl_->rt.spawn(run_log_call(impl_->rt, *impl_, call));
}

void RedisStreamLog::reset() { impl_->rt.block_on(impl_->reset(), kResetLimit); }

std::int64_t RedisStreamLog::lag() const {
  std::int64_t lag = 0;
  for (const auto& part : impl_->parts) lag += part.appended - part.acked;
  return lag;
}

std::uint64_t RedisStreamLog::redelivered() const { return impl_->redelivered; }

}  // namespace likesim::real
