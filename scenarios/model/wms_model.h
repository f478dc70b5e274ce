// The WMS's model (wms_model.proto) and the fake WMS's config (fakes::WmsConfig): reading a
// scenario's knobs over the reference WMS's, and writing back the knobs it runs with.
#pragma once

#include "fakes/wms/wms_config.h"
#include "scenarios/model/field_reader.h"
#include "scenarios/model/wms_model.pb.h"

namespace mw::scen {

// read_wms_model applies the knobs `m` sets over `c`, reporting each bad one through `r`.
void read_wms_model(const model::Wms& m, const FieldReader& r, fakes::WmsConfig& c);

// effective_wms_model returns every knob of `c`, as a scenario would write it.
model::Wms effective_wms_model(const fakes::WmsConfig& c);

}  // namespace mw::scen
