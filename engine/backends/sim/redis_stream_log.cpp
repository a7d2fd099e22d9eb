#include "engine/backends/sim/redis_stream_log.h"

#include <algorithm>
#include <string>

#include "engine/backends/key.h"
#include "engine/backends/run_log_call.h"

namespace likesim::sim {
namespace {

using namespace std::chrono_literals;

// As real::RedisStreamLog: between empty rounds of a poll, and the sequence bits of an offset.
constexpr Duration kEmptyRoundPause = 2ms;
constexpr int kSeqBits = 20;

}  // namespace

RedisStreamLog::RedisStreamLog(Runtime& rt, RedisCluster& redis, const KafkaCosts& log,
                               int consumers)
    : rt_(&rt),
      redis_(&redis),
      max_poll_records_(static_cast<std::uint32_t>(std::max(1, log.max_poll_records))),
      poll_timeout_(from_millis(log.poll_timeout_ms)),
      parts_(static_cast<std::size_t>(std::max(1, log.partitions))),
      consumers_(static_cast<std::size_t>(std::max(1, consumers))) {
  for (std::size_t p = 0; p < parts_.size(); ++p) {
    const std::string key = "log:{" + std::to_string(p) + "}";
    parts_[p].node = redis.nodes() == 1 ? 0 : redis.node_of_slot(hash_slot_of_text(key));
  }
}

std::int64_t RedisStreamLog::lag() const {
  std::int64_t lag = 0;
  for (const Partition& p : parts_) lag += p.appended - p.acked;
  return lag;
}

std::uint32_t RedisStreamLog::owned_partitions(std::uint32_t consumer) const {
  return log_owned_partitions(consumer, partitions(), consumers());
}

// Inline until the first command is sent (the caller is suspended already); the reply always
// reaches the waiter through the runtime, never from inside submit().
void RedisStreamLog::submit(LogCall* call) { rt_->start_now(run_log_call(*rt_, *this, call)); }

// ---- The commands' effects on the server's stream.

std::int64_t RedisStreamLog::xadd(Partition& part, const LogEvent& e) {
  // XADD key *: the ID is the server's time in ms and a sequence number within that ms.
  std::int64_t ms = std::max<std::int64_t>(0, rt_->now().count() / 1'000'000);
  std::int64_t seq = 0;
  if (ms <= part.last_ms) {
    ms = part.last_ms;
    seq = part.last_seq + 1;
  } else if (ms == 0) {
    seq = 1;  // 0-0 is not a valid ID
  }
  part.last_ms = ms;
  part.last_seq = seq;
  const std::int64_t offset = (ms << kSeqBits) | seq;
  part.undelivered.push_back(Entry{offset, e});
  return offset;
}

std::uint32_t RedisStreamLog::xreadgroup(Partition& part, std::uint32_t partition, LogRecord* out,
                                         std::uint32_t count) {
  std::uint32_t n = 0;
  while (n < count && !part.undelivered.empty()) {
    const Entry& e = part.undelivered.front();
    part.pel.emplace(e.offset, e.event);
    out[n++] = LogRecord{e.event, partition, e.offset};
    part.undelivered.pop_front();
  }
  return n;
}

std::uint32_t RedisStreamLog::xautoclaim(Partition& part, std::uint32_t partition, LogRecord* out,
                                         std::uint32_t count) {
  // XAUTOCLAIM key group consumer 0 cursor COUNT n: the first n pending entries from the
  // cursor (min-idle 0: all qualify); the next cursor is the pending entry after them, or 0-0.
  auto it = part.pel.lower_bound(part.reclaim_cursor);
  std::uint32_t n = 0;
  for (; it != part.pel.end() && n < count; ++it)
    out[n++] = LogRecord{it->second, partition, it->first};
  part.reclaim_cursor = it == part.pel.end() ? 0 : it->first;
  return n;
}

std::int64_t RedisStreamLog::xack(Partition& part, std::int64_t next_offset, std::size_t& ids) {
  ids = 0;
  std::int64_t removed = 0;
  for (const std::int64_t offset : part.unacked) {
    if (offset >= next_offset) break;  // delivery order is ID order
    removed += static_cast<std::int64_t>(part.pel.erase(offset));
    ++ids;
  }
  return removed;
}

double RedisStreamLog::read_us(std::uint32_t entries) const {
  const RedisCosts& k = redis_->costs();
  if (entries == 0) return k.request_us + k.xread_empty_us;
  return k.request_us + k.xread_base_us + entries * k.xread_entry_us;
}

// ---- The client, as real::RedisStreamLog runs it.

Task<LogReply> RedisStreamLog::append(LogEvent event) {
  const std::uint32_t p = log_partition(event.post, partitions());
  Partition& part = parts_[p];
  LogReply reply;
  reply.partition = p;
  reply.offset = xadd(part, event);
  ++stats_.commands;
  const RedisCosts& k = redis_->costs();
  const ReplyStatus st = co_await redis_->command(part.node, k.request_us + k.xadd_us, true);
  reply.status = st;
  if (st != ReplyStatus::ok) {
    reply.offset = 0;
    co_return reply;
  }
  ++part.appended;
  ++stats_.appended;
  stats_.max_lag = std::max(stats_.max_lag, lag());
  co_return reply;
}

Task<LogReply> RedisStreamLog::poll(std::uint32_t consumer, LogRecord* out, std::uint32_t max) {
  LogReply reply;
  if (consumer >= consumers()) {
    reply.status = ReplyStatus::error;
    co_return reply;
  }
  const std::uint32_t limit = std::min(max, max_poll_records_);
  const std::uint32_t owned = owned_partitions(consumer);
  const Time deadline = rt_->now() + poll_timeout_;
  for (;;) {
    for (std::uint32_t k = 0; k < owned && limit > 0; ++k) {
      Consumer& c = consumers_[consumer];
      const std::uint32_t p = consumer + ((c.next + k) % owned) * consumers();
      const LogReply got = co_await read_partition(p, out, limit);
      if (got.status != ReplyStatus::ok || got.n > 0) {
        consumers_[consumer].next = (consumers_[consumer].next + k + 1) % owned;
        co_return got;
      }
    }
    const Time now = rt_->now();
    if (now >= deadline) co_return reply;  // n = 0: nothing within the poll timeout
    co_await rt_->sleep_for(std::min<Duration>(kEmptyRoundPause, deadline - now));
  }
}

Task<LogReply> RedisStreamLog::read_partition(std::uint32_t partition, LogRecord* out,
                                              std::uint32_t max) {
  Partition& part = parts_[partition];
  LogReply reply;
  reply.partition = partition;
  if (part.reclaiming) {
    const std::uint32_t n = xautoclaim(part, partition, out, max);
    ++stats_.commands;
    const ReplyStatus st = co_await redis_->command(part.node, read_us(n), n > 0);
    reply.status = st;
    if (st != ReplyStatus::ok) co_return reply;
    if (part.reclaim_cursor == 0) part.reclaiming = false;  // the whole list was scanned
    for (std::uint32_t i = 0; i < n; ++i) part.unacked.push_back(out[i].offset);
    reply.n = n;
    stats_.delivered += n;
    stats_.redelivered += n;
    // Reclaimed entries go out before any new one, even when the scan has not finished.
    if (reply.n > 0 || part.reclaiming) co_return reply;
  }
  const std::uint32_t n = xreadgroup(part, partition, out, max);
  ++stats_.commands;
  const ReplyStatus st = co_await redis_->command(part.node, read_us(n), n > 0);
  reply.status = st;
  if (st != ReplyStatus::ok) co_return reply;  // delivered to the group, pending until claimed
  for (std::uint32_t i = 0; i < n; ++i) part.unacked.push_back(out[i].offset);
  reply.n = n;
  stats_.delivered += n;
  co_return reply;
}

Task<LogReply> RedisStreamLog::commit(std::uint32_t partition, std::int64_t next_offset) {
  LogReply reply;
  reply.partition = partition;
  if (partition >= partitions()) {
    reply.status = ReplyStatus::error;
    co_return reply;
  }
  Partition& part = parts_[partition];
  std::size_t ids = 0;
  const std::int64_t removed = xack(part, next_offset, ids);
  if (ids == 0) co_return reply;
  const std::uint64_t rewinds = part.rewinds;
  const RedisCosts& k = redis_->costs();
  ++stats_.commands;
  const ReplyStatus st = co_await redis_->command(
      part.node, k.request_us + k.xack_base_us + static_cast<double>(ids) * k.xack_id_us,
      removed > 0);
  reply.status = st;
  if (st != ReplyStatus::ok) co_return reply;  // still unacked here: a retry sends them again
  part.acked += removed;
  stats_.acked += static_cast<std::uint64_t>(removed);
  if (part.rewinds == rewinds) {
    part.unacked.erase(part.unacked.begin(),
                       part.unacked.begin() + static_cast<std::ptrdiff_t>(ids));
  }
  co_return reply;
}

LogReply RedisStreamLog::rewind(std::uint32_t consumer) {
  LogReply reply;
  if (consumer >= consumers()) {
    reply.status = ReplyStatus::error;
    return reply;
  }
  for (std::size_t p = consumer; p < parts_.size(); p += consumers()) {
    Partition& part = parts_[p];
    part.reclaiming = true;
    part.reclaim_cursor = 0;
    part.unacked.clear();  // the reclaimed entries are recorded again as they are delivered
    ++part.rewinds;
  }
  return reply;
}

}  // namespace likesim::sim
