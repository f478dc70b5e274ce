// The reference world: a small but complete plant network that tests, benchmarks and the
// scenario catalogue start from and then change (faults, design, flavour of ERP).
//
// Each plant Pn00 (ERP plant n000) runs two lines making two products:
//   FG-500 (EA): 0.5 KG of RM-100 and one PK-300 (EA) per unit; routing 0010 (WC-A), 0020 (WC-B)
//   FG-600 (EA): 250 G of RM-200 per unit, whose ERP base unit is KG; routing 0010 (WC-C)
// Components sit in lots at the line-side location "LINE", sized for far more than a shift;
// finished goods go to "FG01". The ERP is a healthy cloud ERP; the design is the safe default
// (core::with_defaults). No WMS, quality, edge or faults unless a caller adds them.
#pragma once

#include <cstdint>

#include "scenarios/world/world_spec.h"

namespace mw::scen {

struct ReferenceWorldOptions {
  std::uint64_t seed = 1;
  int plants = 1;
  sim::Duration production = sim::hours(1);
  double events_per_second_per_line = 0.5;
  bool edges = false;    // every plant behind a store-and-forward edge
  bool wms = false;      // WMS subscribed, replenishing RM-100 at LINE from WH
  bool quality = false;  // quality with random holds on the RM-100 lots
};

// reference_world returns the spec of the reference world with `options`.
WorldSpec reference_world(const ReferenceWorldOptions& options);

// plant_code returns "P100", "P200", ... for plant index 0, 1, ...
std::string plant_code(int index);

}  // namespace mw::scen
