// Sequencer: puts each ordering key's events in source-sequence order.
//
// An event whose sequence number is the key's next is released at once, followed by any held
// successors that are now in order. A later one is held (state `waiting`) until the gap fills;
// if it does not within gap_timeout_ms, an alert is counted and the configured GapPolicy
// decides: keep holding, skip the gap, or dead-letter the first held event (which then parks
// the key behind it in the Poster). An event whose number the key has already passed is a
// sequence regression: dead-lettered without parking anything (with dedup disabled, an unsafe
// setting, it is released again instead, as such a design would).
//
// Releasing an event enriches it: the result is an ERP command in the outbox, an event with no
// ERP effect (`no_posting`), or a dead letter.
#pragma once

#include <map>
#include <set>
#include <string>

#include <functional>

#include "middleware/dead_letter.h"
#include "middleware/pipeline/context.h"
#include "middleware/pipeline/effects.h"
#include "middleware/proto/events.pb.h"

namespace mw::core {

class Sequencer {
 public:
  explicit Sequencer(Context& ctx) : ctx_(ctx) {}
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;
  ~Sequencer();

  // accept writes `row` (its id is set here) and places it in its key's sequence. Call it
  // inside the ingest transaction.
  Status accept(EventRow& row, const proto::EventEnvelope& envelope, Effects& fx);

  // release enriches one event at its turn: outbox command, no posting, or dead letter. Also
  // used by a DLQ replay. Call it inside a transaction.
  Status release(const EventRow& row, const proto::EventEnvelope& envelope, Effects& fx);
  // release_new is release for an event not written yet: the row is inserted once, in its
  // final state, instead of inserted and then updated.
  Status release_new(EventRow& row, const proto::EventEnvelope& envelope, Effects& fx);

  // resolve_gap applies the gap policy to `key` after its gap timed out. Call it inside a
  // transaction. Returns false when the policy is to keep holding.
  Result<bool> resolve_gap(const std::string& key, Effects& fx);

  // stage notes, as soon as a step has written them, the keys `fx` left holding events, so
  // that later steps of the same commit group see them (see keys_waiting_).
  void stage(const Effects& fx) { keys_waiting_.insert(fx.keys_waiting.begin(), fx.keys_waiting.end()); }

  // apply starts or stops gap timers after a commit. `on_timeout` is called with the
  // key when a gap times out.
  void apply(const Effects& fx, const std::function<void(const std::string&)>& on_timeout);

  std::size_t keys_with_gap_timer() const { return gap_timers_.size(); }

 private:
  // release_in_order releases held events of `key` while they are next; updates `state`.
  Status release_in_order(const std::string& key, KeyState& state, Effects& fx);
  Status dead_letter(const EventRow& row, DeadLetterClass cls, const std::string& reason,
                     bool park, Effects& fx);
  // record_dead_letter writes the dead-letter row for an event already in state dead_lettered.
  Status record_dead_letter(const EventRow& row, DeadLetterClass cls, const std::string& reason,
                            bool park, Effects& fx);
  Status insert(EventRow& row, std::string_view state);

  bool holds(const std::string& key, const Effects& fx) const {
    return keys_waiting_.count(key) != 0 || fx.keys_waiting.count(key) != 0;
  }

  Context& ctx_;
  std::map<std::string, TimerId> gap_timers_;
  // Keys that may hold events: an event that is next in a key holding nothing is released
  // without looking for held successors. A key joins when a step holds an event in it
  // (stage), before its group commits, and leaves when a committed step drained it (apply).
  // A key that is here without held events (its group rolled back) only costs one look.
  std::set<std::string> keys_waiting_;
};

}  // namespace mw::core
