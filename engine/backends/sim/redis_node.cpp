#include "engine/backends/sim/redis_node.h"

#include <algorithm>

#include "engine/backends/bloom_bits.h"

namespace likesim::sim {
namespace {

bool is_write(KvVerb v) {
  switch (v) {
    case KvVerb::get:
    case KvVerb::sismember:
    case KvVerb::bf_exists:
      return false;
    default:
      return true;
  }
}

}  // namespace

RedisNode::RedisNode(const RedisCosts& costs, RandomStream rng)
    : costs_(&costs), rng_(std::move(rng)) {}

bool RedisNode::bloom_test_and_set(PostId post, UserId item, bool set) {
  bool all_set = true;
  for (const std::uint32_t bit : bloom_bits(post, item)) {
    const std::uint64_t word_key = (static_cast<std::uint64_t>(post) << 32) | (bit >> 6);
    const std::uint64_t b = std::uint64_t{1} << (bit & 63);
    if (set) {
      std::uint64_t& w = bloom_words_[word_key];
      if (!(w & b)) all_set = false;
      w |= b;
    } else {
      auto it = bloom_words_.find(word_key);
      if (it == bloom_words_.end() || !(it->second & b)) return false;
    }
  }
  return all_set;
}

double RedisNode::apply(const KvCommand& c, KvReply& r) {
  r.status = ReplyStatus::ok;
  r.nil = false;
  r.value = 0;
  const RedisCosts& k = *costs_;
  switch (c.verb) {
    case KvVerb::get: {
      auto it = values_.find(c.key);
      r.nil = it == values_.end();
      r.value = r.nil ? 0 : it->second;
      return k.command_us;
    }
    case KvVerb::set:
      values_[c.key] = c.arg;
      return k.command_us;
    case KvVerb::incr_by:
      r.value = (values_[c.key] += c.arg);
      return k.command_us;
    case KvVerb::del:
      r.value = static_cast<std::int64_t>(values_.erase(c.key));
      return k.command_us;
    case KvVerb::sadd:
      r.value = sets_[c.key].insert(static_cast<UserId>(c.arg)).second;
      return k.set_command_us;
    case KvVerb::srem:
      r.value = static_cast<std::int64_t>(sets_[c.key].erase(static_cast<UserId>(c.arg)));
      return k.set_command_us;
    case KvVerb::sismember: {
      auto it = sets_.find(c.key);
      r.value = it != sets_.end() && it->second.contains(static_cast<UserId>(c.arg));
      return k.command_us;
    }
    case KvVerb::bf_add:
      r.value = !bloom_test_and_set(c.key.post, static_cast<UserId>(c.arg), true);
      return k.bloom_us;
    case KvVerb::bf_exists:
      r.value = bloom_test_and_set(c.key.post, static_cast<UserId>(c.arg), false);
      return k.bloom_us;
    case KvVerb::like_script: {
      const bool added = sets_[c.key].insert(static_cast<UserId>(c.arg)).second;
      if (added) values_[c.key2] += 1;
      r.value = added;
      return k.script_us;
    }
    case KvVerb::unlike_script: {
      const bool removed = sets_[c.key].erase(static_cast<UserId>(c.arg)) > 0;
      if (removed) values_[c.key2] -= 1;
      r.value = removed;
      return k.script_us;
    }
  }
  return k.command_us;
}

Time RedisNode::serve(Time arrival, const KvCommand* commands, KvReply* replies, const int* which,
                      std::size_t n, bool as_mget) {
  double us = costs_->request_us;
  if (as_mget) us += costs_->mget_base_us;
  for (std::size_t i = 0; i < n; ++i) {
    const int idx = which[i];
    const double cost = apply(commands[idx], replies[idx]);
    us += as_mget ? costs_->mget_per_key_us : cost;
    if (costs_->appendfsync == RedisCosts::Appendfsync::always && is_write(commands[idx].verb)) {
      us += costs_->fsync_always_us;
    }
  }
  us = draw_service_us(costs_->distribution, costs_->service_shape, us, rng_);
  const Duration service = from_micros(us);
  const Time start = std::max(arrival, free_at_);
  free_at_ = start + service;
  stats_.busy_ns += service.count();
  stats_.commands += as_mget ? 1 : n;
  stats_.requests += 1;
  const std::size_t queued = queue_at(arrival) + 1;
  completions_.push_back(free_at_.count());
  stats_.max_queue = std::max(stats_.max_queue, queued);
  return free_at_;
}

std::size_t RedisNode::queue_at(Time t) {
  while (!completions_.empty() && completions_.front() <= t.count()) completions_.pop_front();
  return completions_.size();
}

std::int64_t RedisNode::peek_value(const KeyId& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? 0 : it->second;
}

void RedisNode::for_each_value(absl::FunctionRef<void(const KeyId&, std::int64_t)> f) const {
  for (const auto& [key, v] : values_) f(key, v);
}

void RedisNode::for_each_set_member(absl::FunctionRef<void(const KeyId&, UserId)> f) const {
  for (const auto& [key, members] : sets_) {
    for (const UserId u : members) f(key, u);
  }
}

}  // namespace likesim::sim
