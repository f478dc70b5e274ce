#include "scenarios/model/effective_scenario.h"

#include <google/protobuf/text_format.h>

#include "middleware/config_defaults.h"
#include "scenarios/model/disk_model.h"
#include "scenarios/model/erp_model.h"
#include "scenarios/model/network_model.h"
#include "scenarios/model/plant_model.h"
#include "scenarios/model/quality_model.h"
#include "scenarios/model/wms_model.h"
#include "scenarios/scenario/duration_text.h"

namespace mw::scen {

mw::scenario::Scenario effective_scenario(const mw::scenario::Scenario& s, const WorldSpec& spec) {
  mw::scenario::Scenario out = s;
  out.set_seed(spec.seed);
  out.set_production(format_duration_text(spec.production));
  out.set_drain_bound(format_duration_text(spec.drain_bound));
  out.clear_plants();
  for (const PlantSpec& p : spec.plants) *out.add_plants() = effective_plant_model(p);
  *out.mutable_network() = effective_network_model(spec.network);
  const bool may_contradict = s.erp().design_may_contradict_flavor();
  *out.mutable_erp() = effective_erp_model(spec.erp);
  out.mutable_erp()->set_design_may_contradict_flavor(may_contradict);
  if (spec.wms) *out.mutable_wms() = effective_wms_model(*spec.wms);
  if (spec.quality) *out.mutable_quality() = effective_quality_model(*spec.quality);
  *out.mutable_disk() = effective_disk_model(spec.disk);
  *out.mutable_design() = core::with_defaults(spec.design);
  return out;
}

std::string effective_configuration_text(const mw::scenario::Scenario& s, const WorldSpec& spec) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(effective_scenario(s, spec), &text);
  return text;
}

}  // namespace mw::scen
