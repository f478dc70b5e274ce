#include "scenarios/world/world_spec.h"

#include <set>

#include "middleware/probes.h"

namespace mw::scen {
namespace {

void add_all(std::vector<std::string>& out, const std::string& prefix,
             const std::vector<std::string>& problems) {
  for (const std::string& p : problems) out.push_back(prefix + p);
}

}  // namespace

std::vector<std::string> validate_world_spec(const WorldSpec& spec) {
  std::vector<std::string> out;
  if (spec.production <= sim::Duration::zero()) out.push_back("production: must be positive");
  if (spec.drain_bound <= sim::Duration::zero()) out.push_back("drain_bound: must be positive");
  if (spec.plants.empty()) out.push_back("plants: at least one plant is needed");
  for (const std::string& m : spec.withheld_materials) {
    if (!spec.master.materials.contains(m)) {
      out.push_back("withheld_materials: '" + m + "' is not a material of the master data");
    }
  }
  std::set<std::string> nodes = {"middleware", "erp"};
  if (spec.wms) nodes.insert("wms");
  if (spec.quality) nodes.insert("quality");
  for (std::size_t i = 0; i < spec.plants.size(); ++i) {
    const PlantSpec& p = spec.plants[i];
    const std::string prefix = "plants[" + std::to_string(i) + "].";
    if (!nodes.insert("mes-" + p.mes.plant).second) {
      out.push_back(prefix + "mes.plant: '" + p.mes.plant + "' appears twice");
    }
    if (!spec.master.plants.contains(p.mes.plant)) {
      out.push_back(prefix + "mes.plant: '" + p.mes.plant + "' has no entry in the master data");
    }
    add_all(out, prefix, fakes::validate_mes_config(p.mes));
    if (p.edge) {
      nodes.insert("edge-" + p.mes.plant);
      add_all(out, prefix + "edge_config.", fakes::validate_edge_config(p.edge_config));
    }
  }
  add_all(out, "erp.", fakes::validate_erp_config(spec.erp));
  if (spec.wms) add_all(out, "wms.", fakes::validate_wms_config(*spec.wms));
  if (spec.quality) add_all(out, "quality.", fakes::validate_quality_config(*spec.quality));
  const CrashPointsSpec& cp = spec.crash_points;
  for (const std::string& point : cp.points) {
    if (!core::probes::is_crash_point(point))
      out.push_back("crash_points.points: no crash point '" + point + "'");
  }
  for (double p : {cp.enable_probability, cp.fire_probability, cp.power_loss_probability}) {
    if (!(p >= 0 && p <= 1)) out.push_back("crash_points: a probability outside [0, 1]");
  }
  if (cp.enabled && cp.downtime <= sim::Duration::zero())
    out.push_back("crash_points.downtime: must be positive");
  for (std::size_t i = 0; i < spec.crashes.size(); ++i) {
    const NodeCrash& c = spec.crashes[i];
    const std::string prefix = "crashes[" + std::to_string(i) + "].";
    if (!nodes.contains(c.node)) out.push_back(prefix + "node: no node '" + c.node + "'");
    if (c.downtime <= sim::Duration::zero()) out.push_back(prefix + "downtime: must be positive");
  }
  for (std::size_t i = 0; i < spec.disk_faults.size(); ++i) {
    const DiskFault& d = spec.disk_faults[i];
    const std::string prefix = "disk_faults[" + std::to_string(i) + "].";
    if (d.node != "middleware" && !(d.node.starts_with("edge-") && nodes.contains(d.node)))
      out.push_back(prefix + "node: '" + d.node + "' keeps no store: the middleware or an edge");
    if (d.duration <= sim::Duration::zero()) out.push_back(prefix + "duration: must be positive");
    if (!(d.error_probability >= 0 && d.error_probability <= 1))
      out.push_back(prefix + "error_probability: outside [0, 1]");
    if (d.error_probability == 0 && !d.headroom_bytes)
      out.push_back(prefix + "does nothing: set error_probability or headroom_bytes");
  }
  for (const auto& [node, crashes] : spec.random_crashes) {
    const std::string prefix = "random_crashes[" + node + "]: ";
    if (node == "middleware")
      out.push_back(prefix + "the middleware's are in middleware_random_crashes");
    if (!nodes.contains(node)) out.push_back(prefix + "no node '" + node + "'");
    if (crashes.mean_up <= sim::Duration::zero())
      out.push_back(prefix + "mean_up must be positive");
  }
  return out;
}

}  // namespace mw::scen
