// erp_terms: a physical quantity in plant terms (plant code, plant material, unit) mapped to
// ERP terms (ERP plant, ERP material, base unit) with the world's master data.
//
// Written here, not borrowed from the core, so that a mapping or conversion bug in the core
// shows up as a conservation violation instead of being repeated by the judge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fakes/common/source_log.h"
#include "middleware/enrich/master_data.h"

namespace mw::props {

struct ErpTerms {
  std::string erp_plant;
  std::string erp_material;
  std::int64_t base_milli = 0;  // in the material's base unit
};

// to_erp_terms maps `milli` of `uom` of `material` at `plant`; nullopt when the plant or the
// material is unknown or the quantity does not convert exactly into the base unit.
std::optional<ErpTerms> to_erp_terms(const core::MasterData& master, const std::string& plant,
                                     const std::string& material, std::int64_t milli,
                                     const std::string& uom);

// some_quantity_unmappable tells whether one of the physical effects of `e` has no ERP terms
// under `master`: the event cannot be posted as it is.
bool some_quantity_unmappable(const core::MasterData& master, const fakes::EmittedEvent& e);

}  // namespace mw::props
