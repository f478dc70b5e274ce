#include "sim/scheduler.h"

#include "sim/check.h"

namespace mw::sim {

Scheduler::Scheduler() = default;
Scheduler::~Scheduler() = default;

std::uint32_t Scheduler::allocate_slot() {
  if (free_head_ != kNoSlot) {
    const std::uint32_t i = free_head_;
    free_head_ = states_[i].next_free;
    return i;
  }
  MW_CHECK(slot_count_ < kMaxPending, "more than Scheduler::kMaxPending events pending");
  if ((slot_count_ & (kChunkSize - 1)) == 0) chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  states_.emplace_back();
  return slot_count_++;
}

void Scheduler::free_slot(std::uint32_t i) {
  states_[i].next_free = free_head_;
  free_head_ = i;
}

std::uint32_t Scheduler::claim_slot(Time at, const Epoch* guard) {
  MW_CHECK(at >= now_, "event scheduled in the past");
  const std::uint32_t i = allocate_slot();
  slot(i).guard = guard;
  states_[i].guard_value = guard != nullptr ? static_cast<std::uint32_t>(guard->value) : 0;
  return i;
}

EventId Scheduler::enqueue(Time at, std::uint32_t i) {
  SlotState& s = states_[i];
  s.pending = true;
  if (++s.generation == 0) s.generation = 1;
  push(Entry{static_cast<std::uint64_t>(to_nanos(at)), i});
  return EventId{i, s.generation};
}

int Scheduler::place(const Entry& e) {
  if (e.at == last_) {
    bucket0_.push_back(e);
    return -1;
  }
  const int b = bucket_of(e.at);
  buckets_[b].push_back(e);
  level_mask_[b >> 6] |= 1ULL << (b & 63);
  levels_nonempty_ |= 1u << (b >> 6);
  return b >> 6;
}

void Scheduler::push(Entry e) {
  place(e);
  ++queued_;
}

bool Scheduler::is_pending(EventId id) const {
  if (id.generation == 0 || id.slot >= slot_count_) return false;
  const SlotState& s = states_[id.slot];
  return s.pending && s.generation == id.generation;
}

bool Scheduler::cancel(EventId id) {
  if (!is_pending(id)) return false;
  states_[id.slot].pending = false;
  // The entry stays queued until it is reached or swept; its slot stays reserved meanwhile so
  // the entry can never be mistaken for a newer event. Count it before destroying the callable:
  // a capture's destructor may cancel other events and sweep.
  ++cancelled_queued_;
  Callback doomed = std::move(slot(id.slot).cb);
  if (cancelled_queued_ > 1024 && cancelled_queued_ * 2 > queued_) drop_cancelled();
  return true;
}

void Scheduler::drop_cancelled() {
  // A stable filter of every bucket: equal times keep their order.
  auto filter = [this](std::vector<Entry>& v, std::size_t from) {
    std::size_t kept = 0;
    for (std::size_t k = from; k < v.size(); ++k) {
      if (states_[v[k].slot].pending) {
        v[kept++] = v[k];
      } else {
        free_slot(v[k].slot);
        --queued_;
      }
    }
    v.resize(kept);
    return kept;
  };
  filter(bucket0_, head0_);
  head0_ = 0;
  for (int b = 0; b < kBuckets; ++b) {
    if (filter(buckets_[b], 0) == 0) level_mask_[b >> 6] &= ~(1ULL << (b & 63));
  }
  levels_nonempty_ = 0;
  for (int level = 0; level < kLevels; ++level) {
    if (level_mask_[level] != 0) levels_nonempty_ |= 1u << level;
  }
  cancelled_queued_ = 0;
}

// refill empties the lowest non-empty bucket, moving its entries down relative to its minimum,
// if that minimum is due by `limit_ns`. It does not look at slots, which are mostly out of
// cache: cancelled entries travel with the rest and are freed when they reach the head.
bool Scheduler::refill(std::uint64_t limit_ns) {
  bucket0_.clear();
  head0_ = 0;
  if (levels_nonempty_ == 0) return false;
  const int level = __builtin_ctz(levels_nonempty_);
  const int b = level * 64 + __builtin_ctzll(level_mask_[level]);
  auto& v = buckets_[b];
  std::size_t min_k = 0;
  for (std::size_t k = 1; k < v.size(); ++k) {
    if (v[k].at < v[min_k].at) min_k = k;
  }
  if (v[min_k].at > limit_ns) return false;
  last_ = v[min_k].at;
  level_mask_[level] &= ~(1ULL << (b & 63));
  if (level_mask_[level] == 0) levels_nonempty_ &= ~(1u << level);
  std::vector<Entry> moving;
  moving.swap(v);
  for (const Entry& e : moving) {
    // Entries that land at the lowest levels run within the next few events; fetching their
    // slots now hides the cache misses behind the work in between.
    if (place(e) <= kPrefetchLevel) {
      __builtin_prefetch(&slot(e.slot));
      __builtin_prefetch(&states_[e.slot]);
    }
  }
  moving.clear();
  moving.swap(v);  // keep the capacity for the next time this bucket fills.
  return true;
}

const Scheduler::Entry* Scheduler::head(std::uint64_t limit_ns) {
  for (;;) {
    auto& b0 = bucket0_;
    while (head0_ < b0.size()) {
      const Entry& e = b0[head0_];
      if (states_[e.slot].pending) return e.at <= limit_ns ? &e : nullptr;
      free_slot(e.slot);
      --queued_;
      --cancelled_queued_;
      ++head0_;
    }
    if (!refill(limit_ns)) {
      // With nothing queued, no entry holds the radix base where it is: bring it back to now
      // so the next event, due at or after now, finds its bucket.
      if (queued_ == 0) last_ = static_cast<std::uint64_t>(to_nanos(now_));
      return nullptr;
    }
  }
}

void Scheduler::fire(Entry e) {
  // Bucket 0 entries are consumed in order; the next one's slot is likely cold, so fetch it
  // while this event runs.
  ++head0_;
  --queued_;
  if (head0_ < bucket0_.size()) __builtin_prefetch(&slot(bucket0_[head0_].slot));
  Slot& s = slot(e.slot);
  now_ = from_nanos(static_cast<std::int64_t>(e.at));
  states_[e.slot].pending = false;  // The event's own id reports "not pending" while it runs.
  if (s.guard != nullptr && static_cast<std::uint32_t>(s.guard->value) != states_[e.slot].guard_value) {
    ++events_expired_;
  } else {
    ++events_run_;
    s.cb();
  }
  s.cb.reset();
  free_slot(e.slot);
}

std::optional<Time> Scheduler::next_time() const {
  // A peek must not move the radix base past now(): events may still be scheduled between
  // now() and the next event. So it scans instead of refilling. Buckets in index order hold
  // ever later times, so the first bucket with a live entry holds the answer.
  for (std::size_t k = head0_; k < bucket0_.size(); ++k) {
    if (states_[bucket0_[k].slot].pending) return from_nanos(static_cast<std::int64_t>(bucket0_[k].at));
  }
  for (int b = 0; b < kBuckets; ++b) {
    std::optional<std::uint64_t> best;
    for (const Entry& e : buckets_[b]) {
      if (states_[e.slot].pending && (!best || e.at < *best)) best = e.at;
    }
    if (best) return from_nanos(static_cast<std::int64_t>(*best));
  }
  return std::nullopt;
}

bool Scheduler::step() {
  const Entry* e = head(UINT64_MAX);
  if (e == nullptr) return false;
  fire(*e);
  return true;
}

std::uint64_t Scheduler::run_until(Time limit) {
  if (limit < now_) return 0;  // the past has run already
  stop_requested_ = false;
  const std::uint64_t start = events_run_;
  const auto limit_ns = static_cast<std::uint64_t>(to_nanos(limit));
  while (!stop_requested_) {
    const Entry* e = head(limit_ns);
    if (e == nullptr) break;
    fire(*e);
  }
  if (!stop_requested_ && limit > now_) now_ = limit;
  return events_run_ - start;
}

std::uint64_t Scheduler::run_until_idle(std::uint64_t max_events) {
  stop_requested_ = false;
  const std::uint64_t start = events_run_;
  while (!stop_requested_ && events_run_ - start < max_events && step()) {
  }
  return events_run_ - start;
}

}  // namespace mw::sim
