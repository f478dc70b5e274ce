// MasterData: the reference data the core enriches events with: which plants exist and how
// the ERP calls them, how plant material numbers map to ERP material numbers and their base
// unit, and how units convert. It is held in the store (table master_*) and loaded into this
// value at start and whenever an operator changes it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace mw::core {

struct PlantInfo {
  std::string erp_plant;    // e.g. "1000"
  std::string cost_center;  // where scrap and adjustments are charged
};

struct MaterialInfo {
  std::string erp_material;  // e.g. "000000000000100200"
  std::string base_uom;      // the unit ERP keeps stock in, e.g. "KG"
};

// UomConversion: quantity_in_to = quantity_in_from * numerator / denominator, exactly.
struct UomConversion {
  std::int64_t numerator = 1;
  std::int64_t denominator = 1;
};

struct MasterData {
  std::map<std::string, PlantInfo> plants;        // by plant code as the MES reports it
  std::map<std::string, MaterialInfo> materials;  // by plant material number
  // by (from_uom, to_uom); a conversion is also usable in reverse.
  std::map<std::pair<std::string, std::string>, UomConversion> conversions;
};

}  // namespace mw::core
