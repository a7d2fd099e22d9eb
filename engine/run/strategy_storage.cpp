#include "engine/run/strategy_storage.h"

#include <variant>

namespace likesim {
namespace {

StrategyStorage::Likers likers_of(DedupMethod d) {
  switch (d) {
    case DedupMethod::db_unique:
    case DedupMethod::bloom:
      return StrategyStorage::Likers::like_rows;
    case DedupMethod::redis_set:
    case DedupMethod::lua_atomic:
      return StrategyStorage::Likers::like_sets;
  }
  return StrategyStorage::Likers::like_rows;
}

StrategyStorage::Count counter_of(CounterStore s) {
  return s == CounterStore::db ? StrategyStorage::Count::db_counter
                               : StrategyStorage::Count::redis_counter;
}

}  // namespace

StrategyStorage::StrategyStorage(const StrategyConfig& config) {
  struct Visitor {
    StrategyStorage* self;
    void operator()(const CountQueryKnobs&) const {
      self->count_ = Count::like_rows;
      self->likers_ = Likers::like_rows;
    }
    void operator()(const SingleCounterKnobs& k) const {
      self->count_ = counter_of(k.store);
      self->likers_ = likers_of(k.dedup);
    }
    void operator()(const ShardedCounterKnobs& k) const {
      self->count_ = Count::redis_shards;
      self->likers_ = likers_of(k.dedup);
    }
    void operator()(const WriteBufferedKnobs& k) const {
      self->count_ = counter_of(k.store);
      self->likers_ = likers_of(k.dedup);
    }
    void operator()(const AsyncLogKnobs& k) const {
      self->count_ = Count::db_counter;
      self->likers_ = likers_of(k.dedup);
    }
  };
  std::visit(Visitor{this}, config.knobs);
}

void StrategyStorage::index(const BackendState& state) {
  shard_sums_.clear();
  if (count_ != Count::redis_shards) return;
  for (const auto& [key, v] : state.redis_values) {
    if (key.kind == KeyKind::shard) shard_sums_[key.post] += v;
  }
}

std::int64_t StrategyStorage::count(const BackendState& state, PostId post) const {
  switch (count_) {
    case Count::like_rows: {
      auto it = state.db_likers.find(post);
      return it == state.db_likers.end() ? 0 : static_cast<std::int64_t>(it->second.size());
    }
    case Count::db_counter: {
      auto it = state.db_counters.find(post);
      return it == state.db_counters.end() ? 0 : it->second;
    }
    case Count::redis_counter: {
      auto it = state.redis_values.find(KeyId::counter(post));
      return it == state.redis_values.end() ? 0 : it->second;
    }
    case Count::redis_shards: {
      auto it = shard_sums_.find(post);
      return it == shard_sums_.end() ? 0 : it->second;
    }
  }
  return 0;
}

const UserSet* StrategyStorage::likers(const BackendState& state, PostId post) const {
  const auto& by_post = likers_ == Likers::like_rows ? state.db_likers : state.redis_likers;
  auto it = by_post.find(post);
  return it == by_post.end() ? nullptr : &it->second;
}

}  // namespace likesim
