#include <map>
#include <optional>
#include <tuple>

#include "properties/oracles/erp_terms.h"
#include "properties/oracles/oracles.h"

namespace mw::props {
namespace {

using LotId = std::tuple<std::string, std::string, std::string>;  // ERP plant, material, lot

std::string lot_name(const LotId& id) {
  return std::get<0>(id) + "/" + std::get<1>(id) + "/" + std::get<2>(id);
}

}  // namespace

Verdict check_conservation(const OracleInput& in, const EventFates& fates) {
  Verdict v("conservation");
  const core::MasterData& m = *in.master;
  std::map<LotId, std::int64_t> physical;
  std::map<LotId, std::vector<std::string>> events_by_lot;
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
      const LotId id{erp->erp_plant, erp->erp_material, fx.lot};
      physical[id] += erp->base_milli;
      auto& ids = events_by_lot[id];
      if (ids.size() < 5) ids.push_back(e.event_id);
    }
  }
  std::map<LotId, std::int64_t> books;
  for (const auto& [k, milli] : in.erp->all_stock()) books[{k.plant, k.material, k.lot}] += milli;
  for (const auto& [k, milli] : in.erp->opening_stock()) {
    books[{k.plant, k.material, k.lot}] -= milli;
  }
  auto report = [&](const LotId& id, std::int64_t booked, std::int64_t real) {
    if (booked == real) return;
    v.add({"ERP stock moved " + std::to_string(booked) +
               " milli-units but the booked physical "
               "effects sum to " +
               std::to_string(real),
           events_by_lot[id],
           lot_name(id),
           {}});
  };
  for (const auto& [id, booked] : books) {
    const auto it = physical.find(id);
    report(id, booked, it == physical.end() ? 0 : it->second);
  }
  for (const auto& [id, real] : physical) {
    if (!books.contains(id)) report(id, 0, real);
  }
  return v;
}

}  // namespace mw::props
