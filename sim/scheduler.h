// Scheduler: the discrete-event core of a simulation.
//
// It owns the virtual clock and a queue of pending events, each a Callback due at a Time.
// Guarantees:
//   - Events run in time order; events due at the same instant run in the order they were
//     scheduled (insertion order), so a run is a pure function of its inputs.
//   - `now()` only moves forward, and only while events run or a run_until() reaches its limit.
//   - A cancelled event never runs. Its EventId then reports not pending, as does the id of an
//     event that has run; ids are never confused with a later event that reuses the slot.
//   - Scheduling costs no heap allocation in the common case: callables of up to
//     Callback::kInlineBytes are stored inline in a pooled slot, and the queue itself reuses its
//     storage.
// Limits: at most kMaxPending events pending at once, and 2^40 events scheduled in one run.
// Not thread-safe: one simulation runs on one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "sim/callback.h"
#include "sim/time.h"

namespace mw::sim {

// Epoch is a counter that a group of events can be bound to (a node's incarnation): an event
// scheduled with a guard never runs once the counter has moved past the value it had at
// scheduling. Ending an epoch is a single increment, however many events are pending.
struct Epoch {
  std::uint64_t value = 0;
};

// EventId names one scheduled event. A default-constructed EventId names nothing.
struct EventId {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;  // 0 is never a live generation.
  friend bool operator==(const EventId&, const EventId&) = default;
};

class Scheduler {
 public:
  static constexpr std::uint32_t kMaxPending = 1u << 24;

  Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  Time now() const { return now_; }

  // schedule_at queues `cb` to run at time `at`, which must not be before now().
  // With a `guard`, the event is dropped unrun if guard->value has changed by then; the Epoch
  // must outlive the event.
  EventId schedule_at(Time at, Callback cb, const Epoch* guard = nullptr);
  // schedule_after queues `cb` to run `delay` (>= 0) after now().
  EventId schedule_after(Duration delay, Callback cb, const Epoch* guard = nullptr) {
    return schedule_at(now_ + delay, std::move(cb), guard);
  }

  // cancel removes a pending event. Returns false if `id` had already run or been cancelled.
  bool cancel(EventId id);
  bool is_pending(EventId id) const;

  // step runs the next event, advancing now() to its time. Returns false if none is pending.
  bool step();
  // run_until runs every event due at or before `limit`, then sets now() to `limit`.
  // Returns the number of events run.
  std::uint64_t run_until(Time limit);
  // run_for is run_until(now() + d).
  std::uint64_t run_for(Duration d) { return run_until(now_ + d); }
  // run_until_idle runs events until none is pending or `max_events` have run.
  std::uint64_t run_until_idle(std::uint64_t max_events = UINT64_MAX);
  // stop makes the run_* call in progress return after the event that is running now.
  void stop() { stop_requested_ = true; }

  std::size_t pending() const { return heap_.size() - cancelled_in_heap_; }
  std::uint64_t events_run() const { return events_run_; }
  // events_expired counts guarded events dropped because their epoch had ended.
  std::uint64_t events_expired() const { return events_expired_; }
  std::optional<Time> next_time();

 private:
  // A heap entry: due time, then (sequence << 24 | slot) so ties break by insertion order.
  struct Entry {
    std::int64_t at;
    std::uint64_t order;
  };
  struct Slot {
    Callback cb;
    const Epoch* guard = nullptr;
    std::uint64_t guard_value = 0;
    std::uint32_t generation = 0;
    bool pending = false;
    std::uint32_t next_free = 0;
  };
  static constexpr int kSlotBits = 24;
  static constexpr std::uint32_t kChunkBits = 12;
  static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;

  Slot& slot(std::uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  const Slot& slot(std::uint32_t i) const { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  std::uint32_t allocate_slot();
  void free_slot(std::uint32_t i);
  void push(Entry e);
  Entry pop();
  void drop_cancelled_top();
  void compact();
  void fire(const Entry& e);

  Time now_{};
  std::vector<Entry> heap_;  // 4-ary min-heap on (at, order).
  // Slots live in fixed-size chunks so a running callback never moves while it runs, even if
  // it schedules events that grow the pool.
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::uint32_t free_head_ = kNoSlot;
  std::uint64_t next_sequence_ = 0;
  std::size_t cancelled_in_heap_ = 0;
  std::uint64_t events_run_ = 0;
  std::uint64_t events_expired_ = 0;
  bool stop_requested_ = false;
};

}  // namespace mw::sim
