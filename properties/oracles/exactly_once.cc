#include "properties/oracles/oracles.h"

namespace mw::props {

Verdict check_exactly_once(const OracleInput& in, const EventFates& fates) {
  Verdict v("exactly_once");
  for (const fakes::Posting& p : in.erp->postings()) {
    if (in.sources->find(p.source_event_id) == nullptr) {
      v.add({"the ERP holds posting " + p.document_number + " of an event no source created",
             {p.source_event_id},
             "",
             {p.committed_at}});
    }
  }
  for (const fakes::EmittedEvent& e : in.sources->events()) {
    const std::size_t n = in.erp->count_for_source_event(e.event_id);
    if (n == 0) continue;
    std::vector<sim::Time> times;
    std::string documents;
    for (const fakes::Posting* p : in.erp->postings_for_source_event(e.event_id)) {
      times.push_back(p->committed_at);
      documents += " " + p->document_number;
    }
    if (n > 1) {
      v.add({"posted " + std::to_string(n) + " times (documents" + documents + ")",
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
