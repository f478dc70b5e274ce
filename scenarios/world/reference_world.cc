#include "scenarios/world/reference_world.h"

#include <string>

namespace mw::scen {
namespace {

constexpr std::int64_t kLotMilli = 50'000'000'000;  // 50 million units of a lot: never runs dry

core::MasterData reference_master_data(int plants) {
  core::MasterData m;
  for (int i = 0; i < plants; ++i) {
    m.plants[plant_code(i)] =
        core::PlantInfo{std::to_string(i + 1) + "000", "CC-" + std::to_string(i + 1)};
  }
  m.materials["RM-100"] = core::MaterialInfo{"000000000000100100", "KG"};
  m.materials["RM-200"] = core::MaterialInfo{"000000000000100200", "KG"};
  m.materials["PK-300"] = core::MaterialInfo{"000000000000100300", "EA"};
  m.materials["FG-500"] = core::MaterialInfo{"000000000000500500", "EA"};
  m.materials["FG-600"] = core::MaterialInfo{"000000000000600600", "EA"};
  m.conversions[{"G", "KG"}] = core::UomConversion{1, 1000};
  return m;
}

std::vector<fakes::Product> reference_products() {
  fakes::Product fg500;
  fg500.material = "FG-500";
  fg500.bom = {{"RM-100", 500, "KG", "0010"}, {"PK-300", 1000, "EA", "0020"}};
  fg500.routing = {{"0010", "WC-A"}, {"0020", "WC-B"}};
  fakes::Product fg600;
  fg600.material = "FG-600";
  fg600.bom = {{"RM-200", 250'000, "G", "0010"}};
  fg600.routing = {{"0010", "WC-C"}};
  return {fg500, fg600};
}

std::string lot_name(const std::string& plant, const std::string& material, int n) {
  return plant + "-" + material + "-" + std::to_string(n);
}

}  // namespace

std::string plant_code(int index) { return "P" + std::to_string(index + 1) + "00"; }

WorldSpec reference_world(const ReferenceWorldOptions& o) {
  WorldSpec spec;
  spec.seed = o.seed;
  spec.production = o.production;
  spec.master = reference_master_data(o.plants);
  // The ERP is a cloud one (ErpConfig's default flavour): the design relies on its keys.
  spec.design.mutable_poster()->set_erp_honours_idempotency_keys(true);
  for (int i = 0; i < o.plants; ++i) {
    const std::string plant = plant_code(i);
    PlantSpec p;
    p.mes.plant = plant;
    p.mes.lines = 2;
    p.mes.products = reference_products();
    p.mes.events_per_second_per_line = o.events_per_second_per_line;
    p.mes.first_work_order = 1'000'000 * static_cast<std::uint64_t>(i + 1) + 1;
    for (int n = 1; n <= 2; ++n) {
      p.mes.opening_stock.push_back(
          {plant, "RM-100", lot_name(plant, "RM-100", n), "LINE", kLotMilli, "KG"});
      p.mes.opening_stock.push_back(
          {plant, "RM-200", lot_name(plant, "RM-200", n), "LINE", kLotMilli, "KG"});
      p.mes.opening_stock.push_back(
          {plant, "PK-300", lot_name(plant, "PK-300", n), "LINE", kLotMilli, "EA"});
    }
    p.edge = o.edges;
    spec.plants.push_back(std::move(p));

    if (o.wms) {
      // Warehouse stock of the same RM-100 lots, which the WMS moves to the line.
      for (int n = 1; n <= 2; ++n) {
        spec.extra_opening_stock.push_back(
            {plant, "RM-100", lot_name(plant, "RM-100", n), "WH", kLotMilli, "KG"});
      }
    }
  }
  if (o.wms) {
    fakes::WmsConfig wms;
    for (int i = 0; i < o.plants; ++i) {
      const std::string plant = plant_code(i);
      fakes::ReplenishmentRule rule;
      rule.erp_plant = spec.master.plants.at(plant).erp_plant;
      rule.erp_material = spec.master.materials.at("RM-100").erp_material;
      rule.plant = plant;
      rule.plant_material = "RM-100";
      rule.line_location = "LINE";
      rule.warehouse_location = "WH";
      // The line holds 2 x kLotMilli at the start; top it up whenever it falls below that.
      rule.reorder_point_milli = 2 * kLotMilli;
      rule.replenish_milli = 50'000;  // 50 KG
      rule.uom = "KG";
      wms.replenishment.push_back(rule);
    }
    spec.wms = wms;
  }
  if (o.quality) {
    fakes::QualityConfig q;
    for (int i = 0; i < o.plants; ++i) {
      for (int n = 1; n <= 2; ++n) {
        q.random.lots.push_back({plant_code(i), "RM-100", lot_name(plant_code(i), "RM-100", n)});
      }
    }
    q.random.mean_time_between_holds = sim::minutes(20);
    q.random.until = sim::kTimeZero + o.production;
    // A transfer dead-lettered by a hold is never announced to the WMS: let it give up.
    if (spec.wms) spec.wms->replenishment_timeout = sim::minutes(10);
    spec.quality = q;
  }
  return spec;
}

}  // namespace mw::scen
