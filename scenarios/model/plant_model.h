// A plant's model (plant_model.proto) and the world's PlantSpec (the fake MES's config and the
// optional edge's): reading a scenario's knobs over the reference plant's, and writing back the
// knobs a plant runs with.
#pragma once

#include "scenarios/model/field_reader.h"
#include "scenarios/model/plant_model.pb.h"
#include "scenarios/world/world_spec.h"

namespace mw::scen {

// kMaxLines is the most production lines a plant may have.
inline constexpr std::uint32_t kMaxLines = 32;

// read_plant_model applies the knobs `m` sets over `out` (a reference plant), reporting each
// bad one through `r`. `copies` is the scenario's business, not read here.
void read_plant_model(const model::Plant& m, const FieldReader& r, PlantSpec& out);

// effective_plant_model returns every knob of `plant` (copies: 1), as a scenario would write
// it.
model::Plant effective_plant_model(const PlantSpec& plant);

}  // namespace mw::scen
