#include <map>
#include <optional>
#include <tuple>

#include "properties/oracles/oracles.h"

namespace mw::props {
namespace {

__extension__ using I128 = __int128;  // exact products of 64-bit factors
using LotId = std::tuple<std::string, std::string, std::string>;  // ERP plant, material, lot

std::string lot_name(const LotId& id) {
  return std::get<0>(id) + "/" + std::get<1>(id) + "/" + std::get<2>(id);
}

// to_base converts `milli` of `uom` into the material's base unit with the master data's
// conversions, exactly; nullopt when there is no exact conversion. Written here, not borrowed
// from the core, so that a conversion bug in the core shows up as a conservation violation.
std::optional<std::int64_t> to_base(const core::MasterData& m, std::int64_t milli,
                                    const std::string& uom, const std::string& base) {
  if (uom == base) return milli;
  I128 num = 0;
  I128 den = 0;
  if (auto it = m.conversions.find({uom, base}); it != m.conversions.end()) {
    num = it->second.numerator;
    den = it->second.denominator;
  } else if (auto rev = m.conversions.find({base, uom}); rev != m.conversions.end()) {
    num = rev->second.denominator;
    den = rev->second.numerator;
  } else {
    return std::nullopt;
  }
  const I128 scaled = static_cast<I128>(milli) * num;
  if (den == 0 || scaled % den != 0) return std::nullopt;
  return static_cast<std::int64_t>(scaled / den);
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
      const auto plant = m.plants.find(fx.plant);
      const auto material = m.materials.find(fx.material);
      std::optional<std::int64_t> milli;
      if (plant != m.plants.end() && material != m.materials.end()) {
        milli = to_base(m, fx.milli, fx.uom, material->second.base_uom);
      }
      if (!milli) {
        v.add({"a booked event's effect cannot be mapped to ERP terms (" + fx.plant + "/" +
                   fx.material + " in " + fx.uom + ")",
               {e.event_id}, e.ordering_key, {e.created_at}});
        continue;
      }
      const LotId id{plant->second.erp_plant, material->second.erp_material, fx.lot};
      physical[id] += *milli;
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
    v.add({"ERP stock moved " + std::to_string(booked) + " milli-units but the booked physical "
               "effects sum to " + std::to_string(real),
           events_by_lot[id], lot_name(id), {}});
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
