// RedisStreamLog: the real Log, on Redis Streams.
//
// One stream per partition ("log:{p}", so in a cluster each partition lives on one node),
// partition = mix64(post) % partitions exactly as sim::KafkaLog places events. One consumer
// group ("likesim"); consumer i owns the partitions p with p % consumers == i and reads them
// with XREADGROUP. A record's offset is its stream ID packed into 64 bits (ms << 20 | seq),
// so offsets grow as Kafka's do and the strategies' offset guard works unchanged. commit()
// is XACK of the delivered entries below the offset. After a consumer crash, rewind() makes
// the consumer take over its partitions' pending entries with XAUTOCLAIM before it reads new
// ones, so an uncommitted batch is delivered again.
//
//   real::RedisStreamLog log(rt, redis, {.partitions = 12, .consumers = 4});
//   log.reset();                 // blocking: deletes the streams, creates the group
//   Log l(log);                  // strategies see only Log
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "engine/backends/log.h"
#include "engine/backends/real/asio_runtime.h"
#include "engine/backends/real/redis_client.h"

namespace likesim::real {

struct StreamLogOptions {
  std::uint32_t partitions = 12;
  std::uint32_t consumers = 4;
  std::uint32_t max_poll_records = 500;
  std::chrono::milliseconds poll_timeout{100};
};

class RedisStreamLog final : public LogExecutor {
 public:
  RedisStreamLog(AsioRuntime& rt, RedisClient& redis, StreamLogOptions options);
  ~RedisStreamLog() override;

  std::uint32_t partitions() const override;
  std::uint32_t consumers() const override;
  void submit(LogCall* call) override;

  // Blocking, before a run: deletes the partition streams and creates the consumer group.
  void reset();
  // Appended minus acknowledged, across partitions (the consumer lag).
  std::int64_t lag() const;
  std::uint64_t redelivered() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace likesim::real
