#include "properties/oracles/fact_postings.h"
#include "properties/oracles/oracles.h"

namespace mw::props {

Verdict check_exactly_once(const OracleInput& in, const EventFates& fates) {
  Verdict v("exactly_once");
  for (const fakes::Posting& p : in.erp->postings()) {
    if (in.sources->fact_of(p.source_event_id) == nullptr) {
      v.add({"the ERP holds posting " + p.document_number + " of an event no source created",
             {p.source_event_id},
             "",
             {p.committed_at}});
    }
  }
  // A copy a source sent under a new id is the same fact: its postings count for the event it
  // repeats, so the fact is posted once in all, under either id.
  const FactPostings postings(*in.sources, *in.erp);
  for (const fakes::EmittedEvent& e : in.sources->events()) {
    const std::vector<const fakes::Posting*> all = postings.of(e);
    if (all.empty()) continue;
    std::vector<sim::Time> times;
    std::string documents;
    for (const fakes::Posting* p : all) {
      times.push_back(p->committed_at);
      documents += " " + p->document_number;
      if (p->source_event_id != e.event_id) documents += " (as " + p->source_event_id + ")";
    }
    if (all.size() > 1) {
      v.add({"posted " + std::to_string(all.size()) + " times (documents" + documents + ")",
             {e.event_id},
             e.ordering_key,
             times});
    }
    if (!fates.booked(e.event_id)) {
      v.add({std::string("posted although ") + fate_name(fates.of(e.event_id).fate) +
                 " (documents" + documents + ")",
             {e.event_id},
             e.ordering_key,
             times});
    }
  }
  return v;
}

}  // namespace mw::props
