#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "properties/oracles/erp_terms.h"
#include "properties/oracles/oracles.h"

namespace mw::props {
namespace {

using LotId = std::tuple<std::string, std::string, std::string>;  // ERP plant, material, lot

// What the booked events did to one lot physically, with the first few of them as evidence.
struct PhysicalLot {
  std::int64_t milli = 0;
  std::vector<std::string> evidence;
};

std::string lot_name(const LotId& id) {
  return std::get<0>(id) + "/" + std::get<1>(id) + "/" + std::get<2>(id);
}

}  // namespace

Verdict check_conservation(const OracleInput& in, const EventFates& fates) {
  Verdict v("conservation");
  const core::MasterData& m = *in.master;
  std::map<LotId, PhysicalLot> physical;
  for (const fakes::EmittedEvent& e : in.sources->events()) {
    if (e.malformed || e.effects.empty() || !fates.booked(e.event_id)) continue;
    for (const fakes::PhysicalEffect& fx : e.effects) {
      const std::optional<ErpTerms> erp = to_erp_terms(m, fx.plant, fx.material, fx.milli, fx.uom);
      if (!erp) {
        v.add({"a booked event's effect cannot be mapped to ERP terms (" + fx.plant + "/" +
                   fx.material + " in " + fx.uom + ")",
               {e.event_id},
               e.ordering_key,
               {e.created_at}});
        continue;
      }
      PhysicalLot& lot = physical[LotId{erp->erp_plant, erp->erp_material, fx.lot}];
      lot.milli += erp->base_milli;
      if (lot.evidence.size() < 5) lot.evidence.push_back(e.event_id);
    }
  }
  std::map<LotId, std::int64_t> books;
  for (const auto& [k, milli] : in.erp->all_stock()) books[{k.plant, k.material, k.lot}] += milli;
  for (const auto& [k, milli] : in.erp->opening_stock()) {
    books[{k.plant, k.material, k.lot}] -= milli;
  }
  auto report = [&](const LotId& id, std::int64_t booked, const PhysicalLot& real) {
    if (booked == real.milli) return;
    v.add({"ERP stock moved " + std::to_string(booked) +
               " milli-units but the booked physical "
               "effects sum to " +
               std::to_string(real.milli),
           real.evidence,
           lot_name(id),
           {}});
  };
  for (const auto& [id, booked] : books) {
    const auto it = physical.find(id);
    report(id, booked, it == physical.end() ? PhysicalLot{} : it->second);
  }
  for (const auto& [id, real] : physical) {
    if (!books.contains(id)) report(id, 0, real);
  }
  return v;
}

}  // namespace mw::props
