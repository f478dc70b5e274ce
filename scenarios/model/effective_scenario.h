// effective_scenario: the configuration a world really runs with, as a scenario file. Every
// model's knobs are written out with the values the world uses (defaults included), each plant
// on its own (copies expanded), and the design with the core's defaults; the rest of the
// scenario (faults, expectations, story) is kept as written. Built again, it gives the same
// world: `mwsim run` of the printed text reproduces the run.
#pragma once

#include <string>

#include "scenarios/proto/scenario.pb.h"
#include "scenarios/world/world_spec.h"

namespace mw::scen {

// effective_scenario returns `s` with the knobs of `spec` (the world built from `s`) written
// out.
mw::scenario::Scenario effective_scenario(const mw::scenario::Scenario& s, const WorldSpec& spec);

// effective_configuration_text is effective_scenario as protobuf text, for terminals and
// reports.
std::string effective_configuration_text(const mw::scenario::Scenario& s, const WorldSpec& spec);

}  // namespace mw::scen
