#include "sim/scheduler.h"

#include "sim/check.h"

namespace mw::sim {
namespace {

constexpr bool before(std::int64_t a_at, std::uint64_t a_order, std::int64_t b_at,
                      std::uint64_t b_order) {
  return a_at < b_at || (a_at == b_at && a_order < b_order);
}

}  // namespace

Scheduler::Scheduler() { heap_.reserve(1024); }
Scheduler::~Scheduler() = default;

std::uint32_t Scheduler::allocate_slot() {
  if (free_head_ != kNoSlot) {
    const std::uint32_t i = free_head_;
    free_head_ = slot(i).next_free;
    return i;
  }
  MW_CHECK(slot_count_ < kMaxPending, "more than Scheduler::kMaxPending events pending");
  if ((slot_count_ & (kChunkSize - 1)) == 0) chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  return slot_count_++;
}

void Scheduler::free_slot(std::uint32_t i) {
  Slot& s = slot(i);
  s.next_free = free_head_;
  free_head_ = i;
}

EventId Scheduler::schedule_at(Time at, Callback cb, const Epoch* guard) {
  MW_CHECK(at >= now_, "event scheduled in the past");
  MW_CHECK(next_sequence_ < (1ULL << (64 - kSlotBits)), "sequence space of the run exhausted");
  const std::uint32_t i = allocate_slot();
  Slot& s = slot(i);
  s.cb = std::move(cb);
  s.guard = guard;
  s.guard_value = guard != nullptr ? guard->value : 0;
  s.pending = true;
  if (++s.generation == 0) s.generation = 1;
  push(Entry{to_nanos(at), (next_sequence_++ << kSlotBits) | i});
  return EventId{i, s.generation};
}

bool Scheduler::is_pending(EventId id) const {
  if (id.generation == 0 || id.slot >= slot_count_) return false;
  const Slot& s = slot(id.slot);
  return s.pending && s.generation == id.generation;
}

bool Scheduler::cancel(EventId id) {
  if (!is_pending(id)) return false;
  Slot& s = slot(id.slot);
  s.pending = false;
  s.cb.reset();
  // The heap entry stays until it reaches the top or a compaction; its slot stays reserved so
  // that entry can never be mistaken for a newer event.
  ++cancelled_in_heap_;
  if (cancelled_in_heap_ > 1024 && cancelled_in_heap_ * 2 > heap_.size()) compact();
  return true;
}

void Scheduler::push(Entry e) {
  heap_.push_back(e);
  std::size_t hole = heap_.size() - 1;
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / 4;
    const Entry& p = heap_[parent];
    if (!before(e.at, e.order, p.at, p.order)) break;
    heap_[hole] = p;
    hole = parent;
  }
  heap_[hole] = e;
}

Scheduler::Entry Scheduler::pop() {
  const Entry top = heap_.front();
  const Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return top;
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first = hole * 4 + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (before(heap_[c].at, heap_[c].order, heap_[best].at, heap_[best].order)) best = c;
    }
    if (!before(heap_[best].at, heap_[best].order, last.at, last.order)) break;
    heap_[hole] = heap_[best];
    hole = best;
  }
  heap_[hole] = last;
  return top;
}

void Scheduler::drop_cancelled_top() {
  while (!heap_.empty()) {
    const std::uint32_t i = static_cast<std::uint32_t>(heap_.front().order & ((1u << kSlotBits) - 1));
    if (slot(i).pending) return;
    pop();
    --cancelled_in_heap_;
    free_slot(i);
  }
}

void Scheduler::compact() {
  std::size_t kept = 0;
  for (const Entry& e : heap_) {
    const auto i = static_cast<std::uint32_t>(e.order & ((1u << kSlotBits) - 1));
    if (slot(i).pending) {
      heap_[kept++] = e;
    } else {
      free_slot(i);
    }
  }
  heap_.resize(kept);
  cancelled_in_heap_ = 0;
  // Rebuild the heap bottom-up by re-inserting: entries keep their (at, order) keys, so the
  // resulting run order is unchanged.
  std::vector<Entry> entries;
  entries.swap(heap_);
  heap_.reserve(entries.size());
  for (const Entry& e : entries) push(e);
}

void Scheduler::fire(const Entry& e) {
  const auto i = static_cast<std::uint32_t>(e.order & ((1u << kSlotBits) - 1));
  Slot& s = slot(i);
  now_ = from_nanos(e.at);
  s.pending = false;  // The event's own id reports "not pending" while it runs.
  if (s.guard != nullptr && s.guard->value != s.guard_value) {
    ++events_expired_;
  } else {
    ++events_run_;
    s.cb();
  }
  s.cb.reset();
  free_slot(i);
}

std::optional<Time> Scheduler::next_time() {
  drop_cancelled_top();
  if (heap_.empty()) return std::nullopt;
  return from_nanos(heap_.front().at);
}

bool Scheduler::step() {
  drop_cancelled_top();
  if (heap_.empty()) return false;
  fire(pop());
  return true;
}

std::uint64_t Scheduler::run_until(Time limit) {
  stop_requested_ = false;
  const std::uint64_t start = events_run_;
  const std::int64_t limit_ns = to_nanos(limit);
  while (!stop_requested_) {
    drop_cancelled_top();
    if (heap_.empty() || heap_.front().at > limit_ns) break;
    fire(pop());
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
