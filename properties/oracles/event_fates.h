// EventFates: where each event the sources created ended up, from the core's store, its
// quarantine and the senders' refusals. The oracles share this index. The core's rows of a
// copy a source reissued under a new id count for the event it repeats (one fact).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "middleware/proto/events.pb.h"
#include "properties/oracles/oracle_input.h"
#include "sim/id_index.h"

namespace mw::props {

enum class Fate {
  kNeverAccepted,  // not in the core: lost, or still at the source or edge
  kWaiting,        // held by the sequencer
  kQueued,         // released; its ERP command not yet posted
  kPosted,
  kNoPosting,     // an event with no ERP effect, done
  kDeadLettered,  // parked in the DLQ
  kDiscarded,     // an operator gave up on it
  kQuarantined,   // in the core's quarantine, or refused with a non-retryable Nack
};

const char* fate_name(Fate f);

struct EventFate;
// set_aside_as_corrupt tells whether an event with a corrupt sequence number ended where it
// must: refused or quarantined, or dead-lettered (parked or discarded) as out of range.
bool set_aside_as_corrupt(const EventFate& f);

struct EventFate {
  Fate fate = Fate::kNeverAccepted;
  std::string reason;  // dead-letter or quarantine reason
  // For waiting and queued events: the parked dead letter of the key it waits behind, if any.
  std::string behind_dead_letter;
};

class EventFates {
 public:
  explicit EventFates(const OracleInput& in);

  // of returns the fate of `event_id` (kNeverAccepted if the middleware never saw it).
  const EventFate& of(std::string_view event_id) const;
  // booked tells whether the event is expected in the ERP's books: posted or still to be.
  // Dead-lettered, discarded and quarantined events are not, nor are events that wait behind
  // a parked dead letter of their key (they move only when an operator acts).
  bool booked(std::string_view event_id) const;
  // parked_before returns the id of a parked dead letter of `key` with a sequence below
  // `sequence`, or "" if there is none: the event waits behind it by design. A sequence
  // regression parks nothing (its key has passed it), so it is never one of these.
  std::string parked_before(const std::string& key, std::uint64_t sequence) const;
  // first_parked returns the sequence of the lowest parked dead letter of `key` that holds
  // the key (not a regression), if there is one.
  std::optional<std::int64_t> first_parked(const std::string& key) const;
  // received_ns returns when the core first accepted `event_id` (its clock), if it did.
  std::optional<std::int64_t> received_ns(std::string_view event_id) const;

 private:
  sim::IdIndex<EventFate> fates_;
  sim::IdIndex<std::int64_t> received_ns_;
  // parked dead letters: key -> (sequence -> event id)
  std::map<std::string, std::map<std::int64_t, std::string>> parked_;
};

// posts_to_erp tells whether an event of type `t` makes an ERP posting when it is processed
// (the business rule the oracles judge by, written independently of the core's mapping).
bool posts_to_erp(proto::EventType t);
// notifications_per_posting is how many downstream changes one posting of type `t` publishes:
// two for a transfer (out of one location, into another), one for other postings.
std::uint32_t notifications_per_posting(proto::EventType t);

}  // namespace mw::props
