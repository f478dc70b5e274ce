#include "middleware/dead_letter.h"
#include "properties/oracles/erp_terms.h"
#include "properties/oracles/fact_postings.h"
#include "properties/oracles/oracles.h"

namespace mw::props {
namespace {

// fold adds what `part` found to `v`, each violation marked as found after the replay.
void fold(Verdict& v, const Verdict& part) {
  for (const Violation& x : part.violations()) {
    Violation y = x;
    y.what = part.oracle() + " after the replay: " + x.what;
    v.add(std::move(y));
  }
  if (part.count() > part.violations().size()) {
    v.add({part.oracle() + " after the replay: " +
               std::to_string(part.count() - part.violations().size()) + " more violation(s)",
           {},
           "",
           {}});
  }
}

}  // namespace

Verdict check_operator_phase(const OracleInput& after) {
  Verdict v("operator_phase");
  if (!after.drained) {
    v.add({"not drained after the operator replayed every dead letter; still in flight: " +
               after.backlog,
           {},
           "",
           {}});
  }
  const EventFates fates(after);
  const FactPostings postings(*after.sources, *after.erp);
  sim::IdSet regressions;  // replayed regressions (and out-of-range numbers) post late by design
  for (const core::DeadLetterRow& d : after.dead_letters) {
    if (!core::parks_its_key(d.dead_letter_class)) regressions.insert(d.event_id);
  }
  for (const fakes::EmittedEvent& e : after.sources->events()) {
    if (e.malformed) continue;
    const EventFate& f = fates.of(e.event_id);
    if (e.corrupt_sequence) {
      if (!set_aside_as_corrupt(f)) {
        v.add({std::string("after the replay, an event with a corrupt sequence number (") +
                   std::to_string(e.source_sequence) + ") is " + fate_name(f.fate) +
                   ", not set aside",
               {e.event_id},
               e.ordering_key,
               {e.created_at}});
      }
      continue;
    }
    if (f.fate == Fate::kNoPosting) continue;
    if (f.fate == Fate::kPosted) {
      const std::size_t n = postings.of(e).size();
      if (posts_to_erp(e.type) && n != 1) {
        v.add({"the ERP holds " + std::to_string(n) +
                   " postings of the event after the replay, not one",
               {e.event_id},
               e.ordering_key,
               {e.created_at}});
      }
      continue;
    }
    // The operator discards (and books by hand) what no fix of the world can post; anything
    // else discarded was given up on for no reason.
    if (f.fate == Fate::kDiscarded && some_quantity_unmappable(*after.master, e)) continue;
    v.add({std::string("after the operator undid every cause and replayed every dead letter, "
                       "the event is still ") +
               fate_name(f.fate) + (f.reason.empty() ? "" : " (" + f.reason + ")"),
           {e.event_id},
           e.ordering_key,
           {e.created_at}});
  }
  // A copy a source reissued under a new id repeats a fact: the replay must recognise it
  // (finish it as already posted, or post it in the fact's place), not leave it parked for an
  // operator to puzzle over.
  for (const core::DeadLetterRow& d : after.dead_letters) {
    if (d.status != "parked" || after.sources->find(d.event_id) != nullptr) continue;
    const fakes::EmittedEvent* fact = after.sources->fact_of(d.event_id);
    if (fact == nullptr) continue;
    v.add({"the copy " + d.event_id + " its source reissued under a new id is still parked " +
               "after the replay (" + d.dead_letter_class + ": " + d.reason +
               "): the middleware did not recognise the fact it repeats",
           {fact->event_id, d.event_id},
           d.ordering_key,
           {fact->created_at}});
  }
  fold(v, check_exactly_once(after, fates));
  fold(v, check_sequencing(after, fates, &regressions));
  fold(v, check_conservation(after, fates));
  fold(v, check_downstream(after, fates));
  return v;
}

}  // namespace mw::props
