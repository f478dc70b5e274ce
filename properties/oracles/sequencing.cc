#include <map>

#include "properties/oracles/oracles.h"
#include "sim/id_index.h"

namespace mw::props {

Verdict check_sequencing(const OracleInput& in, const EventFates& fates, const sim::IdSet* exempt) {
  Verdict v("sequencing");
  struct Last {
    std::uint64_t sequence = 0;
    std::string event_id;
    sim::Time at{};
  };
  std::map<std::string, Last> last_by_key;
  sim::IdSet seen;  // a repeated posting (under either id of a fact) is exactly_once's finding
  for (const fakes::Posting& p : in.erp->postings()) {
    const fakes::EmittedEvent* e = in.sources->fact_of(p.source_event_id);
    if (e == nullptr || !seen.insert(e->event_id).second) continue;
    // By the posting's own id: a replayed copy posts late, its original in order.
    if (exempt != nullptr && exempt->contains(p.source_event_id)) continue;
    // A parked dead letter holds its key: nothing after it may be posted until it is replayed.
    if (const auto parked = fates.first_parked(e->ordering_key);
        parked && static_cast<std::int64_t>(e->source_sequence) > *parked) {
      v.add({"sequence " + std::to_string(e->source_sequence) +
                 " was posted past the parked dead letter at sequence " + std::to_string(*parked),
             {fates.parked_before(e->ordering_key, e->source_sequence), e->event_id},
             e->ordering_key,
             {p.committed_at}});
    }
    Last& last = last_by_key[e->ordering_key];
    if (e->source_sequence < last.sequence) {
      v.add({"sequence " + std::to_string(e->source_sequence) + " was posted after sequence " +
                 std::to_string(last.sequence),
             {last.event_id, e->event_id},
             e->ordering_key,
             {last.at, p.committed_at}});
      continue;
    }
    last = Last{e->source_sequence, e->event_id, p.committed_at};
  }
  return v;
}

}  // namespace mw::props
