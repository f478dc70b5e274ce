#include "properties/oracles/dead_letter_causes.h"
#include "properties/oracles/fact_postings.h"
#include "properties/oracles/oracles.h"

#include <set>
#include <string>

namespace mw::props {

Verdict check_no_loss(const OracleInput& in, const EventFates& fates) {
  Verdict v("no_loss");
  const FactPostings postings(*in.sources, *in.erp);
  for (const fakes::EmittedEvent& e : in.sources->events()) {
    const EventFate& f = fates.of(e.event_id);
    if (e.malformed) {
      if (f.fate != Fate::kQuarantined) {
        v.add({std::string("a malformed event was not quarantined but ") + fate_name(f.fate),
               {e.event_id},
               e.ordering_key,
               {e.created_at}});
      }
      continue;
    }
    if (e.corrupt_sequence) {
      if (!set_aside_as_corrupt(f)) {
        v.add({std::string("an event with a corrupt sequence number (") +
                   std::to_string(e.source_sequence) + ") was " + fate_name(f.fate) +
                   ", not dead-lettered as out of range or refused",
               {e.event_id},
               e.ordering_key,
               {e.created_at}});
      }
      continue;
    }
    switch (f.fate) {
      case Fate::kPosted:
        if (posts_to_erp(e.type) && postings.of(e).empty()) {
          v.add({"the middleware marked the event posted but the ERP has no posting of it",
                 {e.event_id},
                 e.ordering_key,
                 {e.created_at}});
        }
        break;
      case Fate::kNoPosting:
        break;
      case Fate::kDeadLettered:
      case Fate::kDiscarded:
      case Fate::kQuarantined:
        if (f.reason.empty()) {
          v.add({std::string(fate_name(f.fate)) + " without a reason",
                 {e.event_id},
                 e.ordering_key,
                 {e.created_at}});
        }
        break;
      case Fate::kWaiting:
      case Fate::kQueued: {
        if (!f.behind_dead_letter.empty()) break;  // parked with its key, by design
        v.add({std::string("still in flight in the middleware (") + fate_name(f.fate) + ")",
               {e.event_id},
               e.ordering_key,
               {e.created_at}});
        break;
      }
      case Fate::kNeverAccepted:
        v.add({"never accepted by the middleware (lost, or still at its source or edge)",
               {e.event_id},
               e.ordering_key,
               {e.created_at}});
        break;
    }
  }
  // A copy of an event under its id with another payload must end in quarantine (or be refused
  // for good), whichever of the two arrived second: acknowledging it as a duplicate drops a
  // report nobody will ever see.
  if (!in.sources->conflicting_copies().empty()) {
    std::set<std::string, std::less<>> set_aside;
    for (const auto& [id, reason] : in.refused) set_aside.insert(id);
    for (const core::QuarantineRow& q : in.quarantine) set_aside.insert(q.event_id);
    for (const fakes::ConflictingCopy& c : in.sources->conflicting_copies()) {
      if (set_aside.contains(c.event_id)) continue;
      v.add({"a copy of the event with another payload (sent by " + c.source +
                 ") was neither quarantined nor refused: it was taken for a duplicate and dropped",
             {c.event_id},
             c.ordering_key,
             {c.created_at}});
    }
  }
  // Every dead letter, parked, replayed or discarded, must be explained by the world.
  DeadLetterCauses causes(in, fates);
  for (const core::DeadLetterRow& d : in.dead_letters) {
    const fakes::EmittedEvent* e = in.sources->find(d.event_id);
    if (e == nullptr) continue;  // not a source's event: exactly_once's finding
    const std::string problem = causes.unexplained(*e, d);
    if (problem.empty()) continue;
    v.add({problem + " (reason given: " + d.reason + ")",
           {d.event_id},
           d.ordering_key,
           {e->created_at}});
  }
  return v;
}

}  // namespace mw::props
