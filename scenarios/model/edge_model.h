// The edge node's model (edge_model.proto) and the fake edge's config (fakes::EdgeConfig):
// reading a scenario's knobs over the edge's defaults, and writing back the knobs it runs with.
#pragma once

#include "fakes/edge/edge_config.h"
#include "scenarios/model/edge_model.pb.h"
#include "scenarios/model/field_reader.h"

namespace mw::scen {

// read_edge_model applies the knobs `m` sets over `c`, reporting each bad one through `r`.
void read_edge_model(const model::Edge& m, const FieldReader& r, fakes::EdgeConfig& c);

// effective_edge_model returns every knob of `c`, as a scenario would write it.
model::Edge effective_edge_model(const fakes::EdgeConfig& c);

}  // namespace mw::scen
