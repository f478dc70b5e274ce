#include "properties/oracles/fact_postings.h"

namespace mw::props {

FactPostings::FactPostings(const fakes::SourceLog& sources, const fakes::ErpLedger& erp)
    : erp_(erp) {
  for (const fakes::ReissuedCopy& c : sources.reissued_copies()) {
    for (const fakes::Posting* p : erp.postings_for_source_event(c.event_id))
      as_copy_[c.original_id].push_back(p);
  }
}

std::vector<const fakes::Posting*> FactPostings::of(const fakes::EmittedEvent& event) const {
  std::vector<const fakes::Posting*> out = erp_.postings_for_source_event(event.event_id);
  if (const auto it = as_copy_.find(event.event_id); it != as_copy_.end())
    out.insert(out.end(), it->second.begin(), it->second.end());
  return out;
}

}  // namespace mw::props
