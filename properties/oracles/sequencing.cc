#include <map>

#include "properties/oracles/oracles.h"
#include "sim/id_index.h"

namespace mw::props {

Verdict check_sequencing(const OracleInput& in) {
  Verdict v("sequencing");
  struct Last {
    std::uint64_t sequence = 0;
    std::string event_id;
    sim::Time at{};
  };
  std::map<std::string, Last> last_by_key;
  sim::IdSet seen;  // a repeated posting is exactly_once's finding
  for (const fakes::Posting& p : in.erp->postings()) {
    const fakes::EmittedEvent* e = in.sources->find(p.source_event_id);
    if (e == nullptr || !seen.insert(p.source_event_id).second) continue;
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
