#include "fakes/wms/wms_config.h"

#include <cstdio>
#include <set>
#include <tuple>

#include "fakes/common/config_lines.h"

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

std::string describe_wms_config(const WmsConfig& c) {
  std::string out;
  auto add = [&out](const char* fmt, auto... args) { append_line(out, fmt, args...); };
  for (const ReplenishmentRule& r : c.replenishment) {
    out += "wms.replenishment=" + r.erp_plant + "/" + r.erp_material + " at " + r.line_location +
           " from " + r.warehouse_location + ": below " + std::to_string(r.reorder_point_milli) +
           " add " + std::to_string(r.replenish_milli) + " " + r.uom + " (plant " + r.plant +
           " material " + r.plant_material + ")\n";
  }
  add("wms.replenishment_timeout=%s", sim::format_duration(c.replenishment_timeout).c_str());
  add("wms.max_held_notifications=%zu", c.max_held_notifications);
  add("wms.epoch_unix_ns=%lld", static_cast<long long>(c.epoch_unix_ns));
  const SenderConfig& s = c.sender;
  add("wms.sender.target=%s", s.target.c_str());
  add("wms.sender.max_batch_events=%zu", s.max_batch_events);
  add("wms.sender.max_batches_per_flush=%zu", s.max_batches_per_flush);
  add("wms.sender.flush_interval=%s", sim::format_duration(s.flush_interval).c_str());
  add("wms.sender.resend_after=%s", sim::format_duration(s.resend_after).c_str());
  add("wms.sender.duplicate_probability=%.17g", s.duplicate_probability);
  add("wms.sender.reorder_probability=%.17g", s.reorder_probability);
  return out;
}

}  // namespace mw::fakes
