// Scheduler: the discrete-event core of a simulation.
//
// It owns the virtual clock and the set of pending events, each a callable due at a Time.
// Guarantees:
//   - Events run in time order; events due at the same instant run in the order they were
//     scheduled (insertion order), so a run is a pure function of its inputs.
//   - `now()` only moves forward, and only while events run or a run_until() reaches its limit.
//   - A cancelled event never runs. Its EventId then reports not pending, as does the id of an
//     event that has run; ids are never confused with a later event that reuses the slot.
//   - Scheduling costs no heap allocation in the common case: callables of up to
//     Callback::kInlineBytes are constructed in place in a pooled slot, and the queue reuses
//     its storage.
// Limits: at most kMaxPending events pending at once.
// Not thread-safe: one simulation runs on one thread.
//
// The queue is a radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990) with 6-bit digits, which
// fits a simulator because keys never go below the current time. With `last` the time of the
// last event taken out, an entry at time t != last sits at level L, the highest 6-bit digit in
// which t and last differ, in the bucket of t's digit L; entries at exactly `last` sit in
// bucket 0. Scheduling is O(1); taking out empties the lowest bucket and moves its entries at
// least one level down, so an entry moves at most 10 times and in practice two or three.
// Entries with equal times always share a bucket and keep their insertion order through every
// move, which gives FIFO ties without a sequence number.
#pragma once

#include <array>
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
  static constexpr std::uint32_t kMaxPending = 1u << 26;

  Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  Time now() const { return now_; }

  // schedule_at queues `f` to run at time `at`, which must not be before now(). `f` is any
  // void() callable (or a Callback); it is constructed in place in its slot.
  // With a `guard`, the event is dropped unrun if guard->value has changed by then; the Epoch
  // must outlive the event.
  template <typename F>
  EventId schedule_at(Time at, F&& f, const Epoch* guard = nullptr) {
    const std::uint32_t i = claim_slot(at, guard);
    slot(i).cb.emplace(std::forward<F>(f));
    return enqueue(at, i);
  }
  // schedule_after queues `f` to run `delay` (>= 0) after now().
  template <typename F>
  EventId schedule_after(Duration delay, F&& f, const Epoch* guard = nullptr) {
    return schedule_at(now_ + delay, std::forward<F>(f), guard);
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

  std::size_t pending() const { return queued_ - cancelled_queued_; }
  std::uint64_t events_run() const { return events_run_; }
  // events_expired counts guarded events dropped because their epoch had ended.
  std::uint64_t events_expired() const { return events_expired_; }
  // next_time is the time of the next pending event, if any.
  std::optional<Time> next_time() const;

 private:
  struct Entry {
    std::uint64_t at;  // nanoseconds; never negative.
    std::uint32_t slot;
  };
  // A slot's cold part: touched when the event is scheduled and when it runs.
  struct Slot {
    Callback cb;
    const Epoch* guard = nullptr;
  };
  // A slot's hot part, in a dense array that stays in cache: generation and pending flag,
  // checked for every queued entry that reaches the head, and the free-list link.
  struct SlotState {
    std::uint32_t generation = 0;
    std::uint32_t next_free = 0;
    // The guard's value when the event was scheduled, low 32 bits: an epoch would have to end
    // 2^32 times while one event waits for the two to be confused.
    std::uint32_t guard_value = 0;
    bool pending = false;
  };
  static constexpr int kDigitBits = 6;
  static constexpr int kLevels = (64 + kDigitBits - 1) / kDigitBits;  // 11
  static constexpr int kBuckets = kLevels * 64;
  // Entries that land at or below this level run within 64 ns of simulated time.
  static constexpr int kPrefetchLevel = 0;
  static constexpr std::uint32_t kChunkBits = 12;
  static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;

  Slot& slot(std::uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  const Slot& slot(std::uint32_t i) const { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  // claim_slot checks `at` and reserves a slot for an event; enqueue makes it pending.
  std::uint32_t claim_slot(Time at, const Epoch* guard);
  EventId enqueue(Time at, std::uint32_t i);
  std::uint32_t allocate_slot();
  void free_slot(std::uint32_t i);

  // bucket_of returns level * 64 + digit for an entry at `at` != last_.
  int bucket_of(std::uint64_t at) const {
    const int level = (63 - __builtin_clzll(at ^ last_)) / kDigitBits;
    return level * 64 + static_cast<int>((at >> (level * kDigitBits)) & 63);
  }
  // place puts an entry in bucket 0 or its bucket; returns its level, or -1 for bucket 0.
  int place(const Entry& e);
  void push(Entry e);
  // head returns the first live entry due at or before `limit_ns`, refilling bucket 0 from the
  // lowest non-empty bucket when needed; null if there is none.
  const Entry* head(std::uint64_t limit_ns);
  bool refill(std::uint64_t limit_ns);
  void drop_cancelled();
  void fire(Entry e);

  Time now_{};
  // Radix heap. bucket0_ (entries at last_) is consumed from head0_; level_mask_[L] has bit d
  // set exactly when buckets_[L * 64 + d] holds entries.
  std::vector<Entry> bucket0_;
  std::size_t head0_ = 0;
  std::array<std::vector<Entry>, kBuckets> buckets_;
  std::array<std::uint64_t, kLevels> level_mask_{};
  std::uint32_t levels_nonempty_ = 0;  // bit L set exactly when level_mask_[L] != 0
  std::uint64_t last_ = 0;
  std::size_t queued_ = 0;            // entries in the buckets, cancelled ones included
  std::size_t cancelled_queued_ = 0;  // cancelled entries still in the buckets
  // Slots live in fixed-size chunks so a running callback never moves while it runs, even if
  // it schedules events that grow the pool.
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::vector<SlotState> states_;  // indexed by slot
  std::uint32_t slot_count_ = 0;
  std::uint32_t free_head_ = kNoSlot;
  std::uint64_t events_run_ = 0;
  std::uint64_t events_expired_ = 0;
  bool stop_requested_ = false;
};

}  // namespace mw::sim
