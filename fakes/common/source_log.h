// SourceLog: the ground truth of every system that reports events to the middleware (plant
// MES, WMS replenishment, quality): each event it created, once, with what physically happened.
//
// A source appends an entry when it creates an event (not when it sends or resends it), so the
// log says what the world did, whatever the network and the middleware made of it. Like the
// ERP ledger, a SourceLog is owned outside the simulated processes (by the world or the test)
// and outlives the Simulation: a source process crash does not unmake physical production. A
// source that crashes before an event is durable in its own store loses only events it has not
// logged yet; it must log an event before it can be sent.
//
// The oracles in properties/ read it: no loss and exactly-once are judged per fact (an event,
// with any copy a source reissued it under, see ReissuedCopy), sequencing per ordering key in
// source_sequence order, conservation from the physical effects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "middleware/proto/events.pb.h"
#include "sim/id_index.h"
#include "sim/time.h"

namespace mw::fakes {

// PhysicalEffect is one signed change of physical stock that an event reports, in the source's
// own terms (plant code, plant material number, unit of measure as the source reported it).
struct PhysicalEffect {
  std::string plant;
  std::string material;
  std::string lot;
  std::string storage_location;
  std::int64_t milli = 0;  // signed, in `uom`
  std::string uom;
};

// EmittedEvent is one event a source created.
struct EmittedEvent {
  std::string event_id;
  std::string source;  // the emitting node's name, e.g. "mes-P100", "wms", "quality"
  std::string plant;
  proto::EventType type = proto::EVENT_TYPE_UNSPECIFIED;
  std::string ordering_key;
  std::uint64_t source_sequence = 0;
  sim::Time created_at{};
  // malformed: the source deliberately sent bytes the middleware must quarantine (a fault the
  // scenario asked for); such an event is expected in quarantine, never in the ERP.
  bool malformed = false;
  std::vector<PhysicalEffect> effects;  // empty for events that move no stock
  // corrupt_sequence: the source sent a garbage record with a corrupt sequence number (far
  // past its key's numbers) on a real key; it reports nothing physical. The middleware must
  // set it aside (dead-letter it as out of range, or refuse it), never post it, and never let
  // it move the key's numbering.
  bool corrupt_sequence = false;
};

// ConflictingCopy is an event a source sent again under an id it had already used, with another
// payload (re-stamped with the time of the resend). It changes nothing physical: the
// middleware must quarantine whichever copy comes second, never drop it silently.
struct ConflictingCopy {
  std::string event_id;
  std::string source;
  std::string ordering_key;
  sim::Time created_at{};
};

// ReissuedCopy is an event a source sent again under a new id with the same payload otherwise
// (an MES re-exporting its journal after a restore): the same fact as `original_id`, which
// changes nothing physical. The ERP must hold at most one posting of the fact, under either id.
struct ReissuedCopy {
  std::string event_id;
  std::string original_id;
  std::string source;
  std::string ordering_key;
  sim::Time created_at{};
};

class SourceLog {
 public:
  SourceLog() = default;
  SourceLog(const SourceLog&) = delete;
  SourceLog& operator=(const SourceLog&) = delete;

  // append records `e`. Event ids are unique across the log (MW_CHECK).
  void append(EmittedEvent e);

  // events returns every event in creation order; references stay valid as it grows.
  const std::deque<EmittedEvent>& events() const { return events_; }
  // find returns the event with `event_id`, or nullptr.
  const EmittedEvent* find(std::string_view event_id) const;
  std::size_t size() const { return events_.size(); }

  // append_conflicting_copy records a copy of a logged event with another payload.
  void append_conflicting_copy(ConflictingCopy c);
  const std::vector<ConflictingCopy>& conflicting_copies() const { return conflicting_copies_; }

  // append_reissued_copy records a copy of a logged event under a new id (unique, MW_CHECK).
  void append_reissued_copy(ReissuedCopy c);
  const std::vector<ReissuedCopy>& reissued_copies() const { return reissued_copies_; }
  // fact_of returns the event `event_id` reports: itself, or the event a reissued copy
  // repeats; nullptr if no source sent it.
  const EmittedEvent* fact_of(std::string_view event_id) const;

 private:
  std::deque<EmittedEvent> events_;
  sim::IdIndex<std::size_t> by_id_;
  std::vector<ConflictingCopy> conflicting_copies_;
  std::vector<ReissuedCopy> reissued_copies_;
  sim::IdIndex<std::size_t> original_by_copy_;  // into events_
};

}  // namespace mw::fakes
