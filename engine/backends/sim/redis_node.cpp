#include "engine/backends/sim/redis_node.h"

#include <algorithm>
#include <cassert>

#include "engine/backends/bloom_bits.h"

namespace likesim::sim {
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

RedisNode::Cost RedisNode::apply(const KvCommand& c, KvReply& r) {
  r.status = ReplyStatus::ok;
  r.nil = false;
  r.value = 0;
  const RedisCosts& k = *costs_;
  // `modified`: Redis propagates a command to the AOF only when it changed the dataset
  // (server.dirty); an SADD of a member already there, or a script whose SADD added nothing,
  // writes nothing, and an iteration that wrote nothing is not fsynced.
  switch (c.verb) {
    case KvVerb::get: {
      auto it = values_.find(c.key);
      r.nil = it == values_.end();
      r.value = r.nil ? 0 : it->second;
      return {k.command_us, false};
    }
    case KvVerb::set:
      value_at(c.key) = c.arg;
      return {k.command_us, true};
    case KvVerb::incr_by:
      r.value = (value_at(c.key) += c.arg);
      return {k.command_us, true};
    case KvVerb::del:
      last_value_.clear();
      r.value = static_cast<std::int64_t>(values_.erase(c.key));
      return {k.command_us, r.value > 0};
    case KvVerb::sadd:
      r.value = set_at(c.key).insert(static_cast<UserId>(c.arg));
      return {k.set_command_us, r.value > 0};
    case KvVerb::srem:
      r.value = set_at(c.key).erase(static_cast<UserId>(c.arg));
      return {k.set_command_us, r.value > 0};
    case KvVerb::sismember: {
      auto it = sets_.find(c.key);
      r.value = it != sets_.end() && it->second.contains(static_cast<UserId>(c.arg));
      return {k.command_us, false};
    }
    case KvVerb::bf_add:
      r.value = !bloom_test_and_set(c.key.post, static_cast<UserId>(c.arg), true);
      return {k.bloom_us, r.value > 0};  // a new item set at least one bit
    case KvVerb::bf_exists:
      r.value = bloom_test_and_set(c.key.post, static_cast<UserId>(c.arg), false);
      return {k.bloom_us, false};
    case KvVerb::like_script: {
      const bool added = set_at(c.key).insert(static_cast<UserId>(c.arg));
      if (added) value_at(c.key2) += 1;
      r.value = added;
      return {k.script_us, added};
    }
    case KvVerb::unlike_script: {
      const bool removed = set_at(c.key).erase(static_cast<UserId>(c.arg));
      if (removed) value_at(c.key2) -= 1;
      r.value = removed;
      return {k.script_us, removed};
    }
  }
  return {k.command_us, false};
}

std::int64_t& RedisNode::value_at(const KeyId& key) {
  if (std::int64_t* v = last_value_.get(key)) return *v;
  std::int64_t& v = values_[key];  // may rehash: last_value_ is set again just below
  last_value_.set(key, &v);
  return v;
}

UserSet& RedisNode::set_at(const KeyId& key) {
  if (UserSet* s = last_set_.get(key)) return *s;
  UserSet& s = sets_.try_emplace(key, order_).first->second;
  last_set_.set(key, &s);
  return s;
}

// The measured service shape is the commands'; an fsync and a sleeping iteration keep their
// means under `empirical`.
Duration RedisNode::draw_other(double mean_us) {
  return from_micros(draw_service_us(costs_->distribution, EmpiricalShape{}, mean_us, rng_));
}

Duration RedisNode::fsync_for(bool modifies) {
  if (!modifies || !fsync_always()) return Duration(0);
  const Duration d = draw_other(costs_->fsync_always_us);
  ++stats_.fsyncs;
  stats_.busy_ns += d.count();
  return d;
}

Duration RedisNode::sleep_cost() {
  if (costs_->iteration_us <= 0) return Duration(0);
  const Duration d = draw_other(costs_->iteration_us);
  stats_.busy_ns += d.count();
  return d;
}

Duration RedisNode::draw(double mean_us) {
  return from_micros(draw_service_us(costs_->distribution, costs_->service_shape, mean_us, rng_));
}

Served RedisNode::serve(Time arrival, const KvCommand* commands, KvReply* replies, const int* which,
                        std::size_t n, bool as_mget, std::uint32_t ticket,
                        std::vector<ClosedRequest>& closed) {
  double us = costs_->request_us;
  if (as_mget) us += costs_->mget_base_us;
  bool modifies = false;
  for (std::size_t i = 0; i < n; ++i) {
    const int idx = which[i];
    const Cost cost = apply(commands[idx], replies[idx]);
    us += as_mget ? costs_->mget_per_key_us : cost.us;
    modifies = modifies || cost.modified;
  }
  stats_.commands += as_mget ? 1 : n;
  return schedule(arrival, draw(us), modifies, ticket, closed);
}

Time RedisNode::serve_one(Time arrival, const KvCommand& command, KvReply& reply, bool as_mget) {
  assert(!batches());
  // The same sums as serve() makes for n = 1.
  double us = costs_->request_us;
  if (as_mget) us += costs_->mget_base_us;
  const Cost cost = apply(command, reply);
  us += as_mget ? costs_->mget_per_key_us : cost.us;
  stats_.commands += 1;
  const Duration service = draw(us);
  stats_.busy_ns += service.count();
  stats_.requests += 1;
  return schedule_fifo(arrival, service);
}

Served RedisNode::serve_work(Time arrival, double service_us, bool modifies, std::uint32_t ticket,
                             std::vector<ClosedRequest>& closed) {
  stats_.commands += 1;
  return schedule(arrival, draw(service_us), modifies, ticket, closed);
}

Duration RedisNode::slowed(Time start, Duration service) {
  if (slowdowns_.empty()) return service;
  const Duration d = slowdowns_.stretch(start, service);
  stats_.busy_ns += (d - service).count();  // the thread is busy for the slowed time
  return d;
}

Served RedisNode::schedule(Time arrival, Duration service, bool modifies, std::uint32_t ticket,
                           std::vector<ClosedRequest>& closed) {
  stats_.busy_ns += service.count();
  stats_.requests += 1;
  if (!batches()) return Served{schedule_fifo(arrival, service), false, false};
  close_batch(arrival, closed);  // an iteration the thread has started by now takes no more
  const std::size_t queued = queue_at(arrival) + batch_.tickets.size() + 1;
  stats_.max_queue = std::max(stats_.max_queue, queued);
  if (sleep_owed_) {
    // The last iteration ended at free_at_. Nothing had arrived by then: the thread went to
    // sleep and reads again only after the sleeping iteration's cost. Otherwise epoll_wait
    // returned at once and the next iteration starts at free_at_.
    sleep_owed_ = false;
    if (arrival > free_at_) free_at_ += sleep_cost();
  }
  if (arrival >= free_at_) {
    // The thread is idle: it reads this request alone, serves it, fsyncs and replies.
    const Time done = arrival + slowed(arrival, service) + fsync_for(modifies);
    free_at_ = done;
    sleep_owed_ = true;
    ++stats_.iterations;
    completions_.push_back(done.count());
    return Served{done, false, false};
  }
  // Busy: the request is read in the next iteration, which starts at free_at_.
  const bool opened = batch_.tickets.empty();
  batch_.service += service;
  batch_.modifies = batch_.modifies || modifies;
  batch_.tickets.push_back(ticket);
  return Served{free_at_, true, opened};
}

Time RedisNode::schedule_fifo(Time arrival, Duration service) {
  const Time start = std::max(arrival, free_at_);
  const std::size_t queued = queue_at(arrival) + 1;
  free_at_ = start + slowed(start, service);
  completions_.push_back(free_at_.count());
  stats_.max_queue = std::max(stats_.max_queue, queued);
  return free_at_;
}

void RedisNode::close_batch(Time t, std::vector<ClosedRequest>& closed) {
  if (batch_.tickets.empty() || free_at_ > t) return;
  const Time done = free_at_ + slowed(free_at_, batch_.service) + fsync_for(batch_.modifies);
  for (const std::uint32_t ticket : batch_.tickets) {
    closed.push_back(ClosedRequest{ticket, done});
    completions_.push_back(done.count());
  }
  free_at_ = done;
  sleep_owed_ = true;
  ++stats_.iterations;
  batch_.service = Duration(0);
  batch_.modifies = false;
  batch_.tickets.clear();
}

std::size_t RedisNode::queue_at(Time t) {
  std::size_t& head = completions_head_;
  while (head < completions_.size() && completions_[head] <= t.count()) ++head;
  if (head == completions_.size()) {
    completions_.clear();
    head = 0;
  } else if (head >= 1024 && 2 * head >= completions_.size()) {
    // Drop the finished front once it is most of the vector: memory stays O(unfinished).
    completions_.erase(completions_.begin(),
                       completions_.begin() + static_cast<std::ptrdiff_t>(head));
    head = 0;
  }
  return completions_.size() - head;
}

std::int64_t RedisNode::peek_value(const KeyId& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? 0 : it->second;
}

void RedisNode::for_each_value(absl::FunctionRef<void(const KeyId&, std::int64_t)> f) const {
  for (const auto& [key, v] : values_) f(key, v);
}

void RedisNode::for_each_set(absl::FunctionRef<void(const KeyId&, const UserSet&)> f) const {
  for (const auto& [key, set] : sets_) f(key, set);
}

}  // namespace likesim::sim
