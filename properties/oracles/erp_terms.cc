#include "properties/oracles/erp_terms.h"

namespace mw::props {
namespace {

__extension__ using I128 = __int128;  // exact products of 64-bit factors

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
  const I128 out = scaled / den;
  if (out > INT64_MAX || out < INT64_MIN) return std::nullopt;
  return static_cast<std::int64_t>(out);
}

}  // namespace

std::optional<ErpTerms> to_erp_terms(const core::MasterData& master, const std::string& plant,
                                     const std::string& material, std::int64_t milli,
                                     const std::string& uom) {
  const auto p = master.plants.find(plant);
  const auto m = master.materials.find(material);
  if (p == master.plants.end() || m == master.materials.end()) return std::nullopt;
  const std::optional<std::int64_t> base = to_base(master, milli, uom, m->second.base_uom);
  if (!base) return std::nullopt;
  return ErpTerms{p->second.erp_plant, m->second.erp_material, *base};
}

bool some_quantity_unmappable(const core::MasterData& master, const fakes::EmittedEvent& e) {
  for (const fakes::PhysicalEffect& x : e.effects) {
    if (!to_erp_terms(master, x.plant, x.material, x.milli, x.uom)) return true;
  }
  return false;
}

}  // namespace mw::props
