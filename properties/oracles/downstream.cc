#include <map>

#include "properties/oracles/oracles.h"
#include "sim/id_index.h"

namespace mw::props {

namespace {

std::string describe(const fakes::StockKey& k) {
  return k.plant + "/" + k.material + "/" + k.lot + "/" + k.storage_location;
}

void check_stock_agrees(const Downstream& d, const fakes::ErpLedger& erp, Verdict& v) {
  const std::map<fakes::StockKey, std::int64_t> books = erp.all_stock();
  auto mismatch = [&](const fakes::StockKey& key, std::int64_t theirs, std::int64_t ours) {
    v.add({d.subscriber + " holds " + std::to_string(theirs) + " milli-units of " +
               describe(key) + ", the ERP " + std::to_string(ours),
           {},
           describe(key),
           {}});
  };
  for (const auto& [key, milli] : *d.stock) {
    const auto it = books.find(key);
    const std::int64_t ours = it == books.end() ? 0 : it->second;
    if (ours != milli) mismatch(key, milli, ours);
  }
  for (const auto& [key, milli] : books) {
    if (d.stock->count(key) == 0 && milli != 0) mismatch(key, 0, milli);
  }
}

}  // namespace

Verdict check_downstream(const OracleInput& in, const EventFates& fates) {
  Verdict v("downstream");
  if (in.notifications_pending > 0) {
    v.add({std::to_string(in.notifications_pending) +
               " notification(s) still unacknowledged in the middleware",
           {},
           "",
           {}});
  }
  for (const Downstream& d : in.downstream) {
    const std::size_t before = v.count();
    for (const std::string& a : d.anomalies) v.add({d.subscriber + " reported: " + a, {}, "", {}});
    std::map<std::string, std::uint64_t> last_sequence;
    sim::IdIndex<std::uint32_t> applied_per_event;
    sim::IdIndex<sim::Time> first_applied;
    for (const AppliedNotification& n : d.applied) {
      std::uint64_t& last = last_sequence[n.ordering_key];
      if (n.sequence != last + 1) {
        v.add({d.subscriber + " applied sequence " + std::to_string(n.sequence) + " after " +
                   std::to_string(last),
               {n.source_event_id},
               n.ordering_key,
               {n.applied_at}});
      }
      last = n.sequence;
      // A notification of a reissued copy's posting is a change of the fact it repeats.
      const fakes::EmittedEvent* fact = in.sources->fact_of(n.source_event_id);
      const std::string& event_id = fact != nullptr ? fact->event_id : n.source_event_id;
      ++applied_per_event[event_id];
      first_applied.emplace(event_id, n.applied_at);
    }
    for (const fakes::EmittedEvent& e : in.sources->events()) {
      const auto it = applied_per_event.find(e.event_id);
      const std::uint32_t applied = it == applied_per_event.end() ? 0 : it->second;
      const bool posted = fates.of(e.event_id).fate == Fate::kPosted;
      const std::uint32_t expected = posted ? notifications_per_posting(e.type) : 0;
      if (applied == expected) continue;
      std::vector<sim::Time> times{e.created_at};
      if (applied > 0) times.push_back(first_applied.at(e.event_id));
      v.add({d.subscriber + " applied " + std::to_string(applied) + " change(s) of the event, " +
                 "expected " + std::to_string(expected) + " (" +
                 fate_name(fates.of(e.event_id).fate) + ")",
             {e.event_id},
             e.ordering_key,
             times});
    }
    // Every change applied once and in order, yet the quantities may still be wrong (a sign,
    // a location, a unit): the subscriber's books must then match the ERP's.
    if (d.stock && v.count() == before && in.notifications_pending == 0) {
      check_stock_agrees(d, *in.erp, v);
    }
  }
  return v;
}

}  // namespace mw::props
