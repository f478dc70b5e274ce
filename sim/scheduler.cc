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
  Slot& s = slot(i);
  s.guard = guard;
  s.guard_value = guard != nullptr ? guard->value : 0;
  return i;
}

EventId Scheduler::enqueue(Time at, std::uint32_t i) {
  SlotState& s = states_[i];
  s.pending = true;
  if (++s.generation == 0) s.generation = 1;
  push(Entry{static_cast<std::uint64_t>(to_nanos(at)), i});
  return EventId{i, s.generation};
}

void Scheduler::push(Entry e) {
  const int b = bucket_of(e.at);
  buckets_[b].push_back(e);
  mark_nonempty(b);
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
  slot(id.slot).cb.reset();
  // The entry stays queued until it is reached or swept; its slot stays reserved meanwhile so
  // the entry can never be mistaken for a newer event.
  ++cancelled_queued_;
  if (cancelled_queued_ > 1024 && cancelled_queued_ * 2 > queued_) drop_cancelled();
  return true;
}

void Scheduler::drop_cancelled() {
  for (int b = 0; b < kBuckets; ++b) {
    auto& v = buckets_[b];
    std::size_t kept = 0;
    for (std::size_t k = (b == 0 ? head0_ : 0); k < v.size(); ++k) {
      if (states_[v[k].slot].pending) {
        v[kept++] = v[k];
      } else {
        free_slot(v[k].slot);
        --queued_;
      }
    }
    v.resize(kept);  // a stable filter: equal times keep their order.
    if (b != 0 && kept == 0) nonempty_ &= ~(1ULL << (b & 63));
  }
  head0_ = 0;
  cancelled_queued_ = 0;
}

// refill moves the lowest non-empty bucket down, relative to its minimum, if that minimum is
// due by `limit_ns`. It does not look at slots, which are mostly out of cache: cancelled
// entries travel with the rest and are freed when they reach the head of bucket 0.
bool Scheduler::refill(std::uint64_t limit_ns) {
  buckets_[0].clear();
  head0_ = 0;
  if (nonempty_ == 0) return false;
  // The lowest non-empty bucket above 0 (bit 0 stands for bucket 64, the highest).
  const std::uint64_t above0 = nonempty_ & ~1ULL;
  const int b = above0 != 0 ? __builtin_ctzll(above0) : 64;
  auto& v = buckets_[b];
  MW_CHECK(!v.empty(), "radix heap: bucket marked non-empty is empty");
  std::size_t min_k = 0;
  for (std::size_t k = 1; k < v.size(); ++k) {
    if (v[k].at < v[min_k].at) min_k = k;
  }
  if (v[min_k].at > limit_ns) return false;
  // The minimum runs next: start fetching its slot while the bucket is moved.
  __builtin_prefetch(&slot(v[min_k].slot));
  last_ = v[min_k].at;
  nonempty_ &= ~(1ULL << (b & 63));
  std::vector<Entry> moving;
  moving.swap(v);
  for (const Entry& e : moving) {
    const int nb = bucket_of(e.at);
    buckets_[nb].push_back(e);
    mark_nonempty(nb);
  }
  moving.clear();
  moving.swap(v);  // keep the capacity for the next time this bucket fills.
  return true;
}

const Scheduler::Entry* Scheduler::head(std::uint64_t limit_ns) {
  for (;;) {
    auto& b0 = buckets_[0];
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
  if (head0_ < buckets_[0].size()) __builtin_prefetch(&slot(buckets_[0][head0_].slot));
  Slot& s = slot(e.slot);
  now_ = from_nanos(static_cast<std::int64_t>(e.at));
  states_[e.slot].pending = false;  // The event's own id reports "not pending" while it runs.
  if (s.guard != nullptr && s.guard->value != s.guard_value) {
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
  // now() and the next event. So it scans instead of refilling.
  const auto& b0 = buckets_[0];
  for (std::size_t k = head0_; k < b0.size(); ++k) {
    if (states_[b0[k].slot].pending) return from_nanos(static_cast<std::int64_t>(b0[k].at));
  }
  std::optional<std::uint64_t> best;
  for (int b = 1; b < kBuckets; ++b) {
    for (const Entry& e : buckets_[b]) {
      if (states_[e.slot].pending && (!best || e.at < *best)) best = e.at;
    }
    if (best) break;  // every entry of a lower bucket is earlier than any of a higher one.
  }
  if (!best) return std::nullopt;
  return from_nanos(static_cast<std::int64_t>(*best));
}

bool Scheduler::step() {
  const Entry* e = head(UINT64_MAX);
  if (e == nullptr) return false;
  fire(*e);
  return true;
}

std::uint64_t Scheduler::run_until(Time limit) {
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
