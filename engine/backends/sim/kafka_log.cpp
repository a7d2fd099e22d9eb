#include "engine/backends/sim/kafka_log.h"

#include <algorithm>

namespace likesim::sim {
namespace {

std::uint64_t event_arg(std::uint64_t kind, std::uint64_t index, std::uint64_t generation) {
  return kind | (index << 2) | (generation << 22);
}

}  // namespace

KafkaLog::KafkaLog(Scheduler& s, const KafkaCosts& costs, int consumers, std::uint64_t)
    : sched_(&s),
      broker_lane_(s.add_lane()),
      costs_(costs),
      parts_(static_cast<std::size_t>(std::max(1, costs.partitions))),
      consumers_(static_cast<std::size_t>(std::max(1, consumers))) {}

std::int64_t KafkaLog::lag() const {
  std::int64_t lag = 0;
  for (const Partition& p : parts_) lag += p.visible_end - p.committed;
  return lag;
}

void KafkaLog::submit(LogCall* call) {
  const Time now = sched_->now();
  const Duration rtt = from_micros(costs_.rtt_us);
  const Duration half_rtt = from_micros(costs_.rtt_us / 2);
  switch (call->verb) {
    case LogVerb::append: {
      const std::uint32_t p =
          log_partition(call->event.post, static_cast<std::uint32_t>(parts_.size()));
      Partition& part = parts_[p];
      part.batch.push_back(call);
      if (part.batch.size() == 1) {
        sched_->schedule(now + from_millis(costs_.linger_ms), this,
                         event_arg(kLinger, p, part.linger_generation));
      }
      if (part.batch.size() >= static_cast<std::size_t>(std::max(1, costs_.batch_records))) {
        send_batch(p);
      }
      return;
    }
    case LogVerb::poll: {
      Consumer& c = consumers_[call->consumer];
      if (try_fill(call->consumer, call)) {
        sched_->schedule_resume(broker_lane_, on_broker(now + half_rtt, costs_.fetch_us) + half_rtt,
                                call->waiter);
        return;
      }
      c.waiting_poll = call;
      ++c.poll_generation;
      c.deadline = now + from_millis(costs_.poll_timeout_ms);
      c.deadline_seq = sched_->reserve_seq();
      // A timer still pending is an earlier poll's, due no later than this one's deadline: it
      // moves on to this one when it fires.
      if (!c.timer_armed) arm_poll_timer(call->consumer);
      return;
    }
    case LogVerb::commit: {
      Partition& part = parts_[call->partition];
      part.committed = std::max(part.committed, call->offset);
      trim(part);
      ++stats_.commits;
      call->reply = LogReply{};
      sched_->schedule_resume(broker_lane_, on_broker(now + half_rtt, costs_.commit_us) + half_rtt,
                              call->waiter);
      return;
    }
    case LogVerb::rewind: {
      for (std::uint32_t p = call->consumer; p < parts_.size(); p += consumers()) {
        parts_[p].position = parts_[p].committed;
      }
      call->reply = LogReply{};
      sched_->schedule_resume(now + rtt, call->waiter);
      return;
    }
  }
}

Time KafkaLog::on_broker(Time arrival, double service_us) {
  const Time start = std::max(arrival, broker_free_);
  broker_free_ = start + draw(service_us);
  return broker_free_;
}

Duration KafkaLog::draw(double mean_us) { return from_micros(mean_us); }

void KafkaLog::send_batch(std::uint32_t p) {
  Partition& part = parts_[p];
  if (part.batch.empty()) return;
  ++part.linger_generation;  // the pending linger timer no longer applies
  const Time now = sched_->now();
  const Duration half_rtt = from_micros(costs_.rtt_us / 2);
  const auto n = static_cast<double>(part.batch.size());
  on_broker(now + half_rtt, costs_.broker_append_us + n * costs_.broker_record_us);
  for (LogCall* call : part.batch) {
    part.records.push_back(call->event);
    const std::int64_t offset = part.base + static_cast<std::int64_t>(part.records.size()) - 1;
    call->reply = LogReply{ReplyStatus::ok, 0, p, offset};
    sched_->schedule_resume(broker_lane_, broker_free_ + half_rtt, call->waiter);
  }
  stats_.appended += part.batch.size();
  ++stats_.batches;
  part.batch.clear();
  const std::int64_t end = part.base + static_cast<std::int64_t>(part.records.size());
  sched_->schedule(broker_free_, this, event_arg(kVisible, p, static_cast<std::uint64_t>(end)));
}

void KafkaLog::arm_poll_timer(std::uint32_t c) {
  Consumer& consumer = consumers_[c];
  consumer.timer_armed = true;
  sched_->schedule_reserved(consumer.deadline, consumer.deadline_seq, this,
                            event_arg(kPollTimeout, c, consumer.poll_generation));
}

void KafkaLog::make_visible(std::uint32_t p, std::int64_t end) {
  Partition& part = parts_[p];
  part.visible_end = std::max(part.visible_end, end);
  stats_.max_lag = std::max(stats_.max_lag, lag());
  const std::uint32_t c = p % consumers();
  Consumer& consumer = consumers_[c];
  if (consumer.waiting_poll && try_fill(c, consumer.waiting_poll)) {
    LogCall* call = consumer.waiting_poll;
    consumer.waiting_poll = nullptr;
    ++consumer.poll_generation;  // cancels the poll timeout
    // The poll was already waiting at the broker: the fetch queues there now, and its
    // response travels back half a round trip.
    sched_->schedule_resume(
        broker_lane_, on_broker(sched_->now(), costs_.fetch_us) + from_micros(costs_.rtt_us / 2),
        call->waiter);
  }
}

bool KafkaLog::try_fill(std::uint32_t c, LogCall* call) {
  Consumer& consumer = consumers_[c];
  const std::uint32_t owned = log_owned_partitions(c, partitions(), consumers());
  for (std::uint32_t k = 0; k < owned; ++k) {
    const std::uint32_t p = c + ((consumer.next_partition + k) % owned) * consumers();
    Partition& part = parts_[p];
    if (part.position >= part.visible_end) continue;
    const std::int64_t limit = std::min<std::int64_t>(
        {static_cast<std::int64_t>(call->max), static_cast<std::int64_t>(costs_.max_poll_records),
         part.visible_end - part.position});
    for (std::int64_t i = 0; i < limit; ++i) {
      const std::int64_t offset = part.position + i;
      call->out[i] =
          LogRecord{part.records[static_cast<std::size_t>(offset - part.base)], p, offset};
      if (offset < part.max_position) ++stats_.redelivered;
    }
    part.position += limit;
    part.max_position = std::max(part.max_position, part.position);
    stats_.delivered += static_cast<std::uint64_t>(limit);
    call->reply = LogReply{ReplyStatus::ok, static_cast<std::uint32_t>(limit), p, 0};
    consumer.next_partition = (consumer.next_partition + k + 1) % owned;
    return true;
  }
  return false;
}

void KafkaLog::trim(Partition& part) {
  while (part.base < part.committed && !part.records.empty()) {
    part.records.pop_front();
    ++part.base;
  }
}

void KafkaLog::on_event(std::uint64_t arg) {
  const std::uint64_t kind = arg & 3;
  const std::uint64_t index = (arg >> 2) & 0xfffff;
  const std::uint64_t generation = arg >> 22;
  switch (kind) {
    case kLinger:
      if (parts_[index].linger_generation == generation)
        send_batch(static_cast<std::uint32_t>(index));
      break;
    case kVisible:
      make_visible(static_cast<std::uint32_t>(index), static_cast<std::int64_t>(generation));
      break;
    case kPollTimeout: {
      Consumer& c = consumers_[index];
      c.timer_armed = false;
      if (!c.waiting_poll) break;
      if (c.poll_generation != generation) {
        arm_poll_timer(static_cast<std::uint32_t>(index));  // that poll was answered
        break;
      }
      LogCall* call = c.waiting_poll;
      c.waiting_poll = nullptr;
      call->reply = LogReply{ReplyStatus::ok, 0, 0, 0};
      sched_->schedule_resume(sched_->now(), call->waiter);
      break;
    }
  }
}

}  // namespace likesim::sim
