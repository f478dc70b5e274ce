// The quality system's model (quality_model.proto) and the fake's config
// (fakes::QualityConfig): reading a scenario's knobs over the reference quality system's, and
// writing back the knobs it runs with.
#pragma once

#include "fakes/quality/quality_config.h"
#include "scenarios/model/field_reader.h"
#include "scenarios/model/quality_model.pb.h"

namespace mw::scen {

// read_quality_model applies the knobs `m` sets over `c`, reporting each bad one through `r`.
void read_quality_model(const model::Quality& m, const FieldReader& r, fakes::QualityConfig& c);

// effective_quality_model returns every knob of `c`, as a scenario would write it.
model::Quality effective_quality_model(const fakes::QualityConfig& c);

}  // namespace mw::scen
