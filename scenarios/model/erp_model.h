// The ERP's model (erp_model.proto) and the fake ERP's config (fakes::ErpConfig): reading a
// scenario's knobs over the ERP's defaults, and writing back the knobs a world runs with.
#pragma once

#include "fakes/erp/erp_config.h"
#include "scenarios/model/erp_model.pb.h"
#include "scenarios/model/field_reader.h"

namespace mw::scen {

// read_erp_model applies the knobs `m` sets over `c` (unset ones keep c's values, the ERP's
// defaults), reporting each bad one through `r`.
void read_erp_model(const model::Erp& m, const FieldReader& r, fakes::ErpConfig& c);

// effective_erp_model returns every knob of `c`, as a scenario would write it.
model::Erp effective_erp_model(const fakes::ErpConfig& c);

}  // namespace mw::scen
