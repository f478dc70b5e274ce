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

  // accept places `row` (just inserted as `waiting`) in its key's sequence. Call it inside the
  // ingest transaction.
  Status accept(const EventRow& row, const proto::EventEnvelope& envelope, Effects& fx);

  // release enriches one event at its turn: outbox command, no posting, or dead letter. Also
  // used by a DLQ replay. Call it inside a transaction.
  Status release(const EventRow& row, const proto::EventEnvelope& envelope, Effects& fx);

  // resolve_gap applies the gap policy to `key` after its gap timed out. Call it inside a
  // transaction. Returns false when the policy is to keep holding.
  Result<bool> resolve_gap(const std::string& key, Effects& fx);

  // apply starts or stops gap timers after a commit. `on_timeout` is called with the
  // key when a gap times out.
  void apply(const Effects& fx, const std::function<void(const std::string&)>& on_timeout);

  std::size_t keys_with_gap_timer() const { return gap_timers_.size(); }

 private:
  // release_in_order releases held events of `key` while they are next; updates `state`.
  Status release_in_order(const std::string& key, KeyState& state, Effects& fx);
  Status dead_letter(const EventRow& row, DeadLetterClass cls, const std::string& reason,
                     bool park, Effects& fx);

  Context& ctx_;
  std::map<std::string, TimerId> gap_timers_;
};

}  // namespace mw::core
