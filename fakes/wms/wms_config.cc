#include "fakes/wms/wms_config.h"

#include <set>
#include <tuple>


namespace mw::fakes {

std::vector<std::string> validate_wms_config(const WmsConfig& c) {
  std::vector<std::string> problems;
  std::set<std::tuple<std::string, std::string, std::string>> watched;
  for (std::size_t i = 0; i < c.replenishment.size(); ++i) {
    const ReplenishmentRule& r = c.replenishment[i];
    const std::string where = "wms.replenishment[" + std::to_string(i) + "]";
    const std::pair<const char*, const std::string*> required[] = {
        {"erp_plant", &r.erp_plant},
        {"erp_material", &r.erp_material},
        {"plant", &r.plant},
        {"plant_material", &r.plant_material},
        {"line_location", &r.line_location},
        {"warehouse_location", &r.warehouse_location},
        {"uom", &r.uom}};
    for (const auto& [name, value] : required) {
      if (value->empty()) problems.push_back(where + "." + name + " is empty");
    }
    if (!r.line_location.empty() && r.line_location == r.warehouse_location) {
      problems.push_back(where + ": line_location and warehouse_location are both \"" +
                         r.line_location + "\"");
    }
    if (r.reorder_point_milli <= 0) {
      problems.push_back(where + ".reorder_point_milli must be positive");
    }
    if (r.replenish_milli <= 0) problems.push_back(where + ".replenish_milli must be positive");
    if (!watched.emplace(r.erp_plant, r.erp_material, r.line_location).second) {
      problems.push_back(where + " watches " + r.erp_plant + "/" + r.erp_material + " at \"" +
                         r.line_location + "\" again: one rule per material and location");
    }
  }
  if (c.replenishment_timeout < sim::Duration::zero()) {
    problems.push_back("wms.replenishment_timeout is negative");
  }
  if (c.max_held_notifications == 0) problems.push_back("wms.max_held_notifications must be >= 1");
  if (c.epoch_unix_ns <= 0) problems.push_back("wms.epoch_unix_ns must be positive");
  for (std::string& p : validate_sender_config(c.sender, "wms.sender.")) {
    problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace mw::fakes
