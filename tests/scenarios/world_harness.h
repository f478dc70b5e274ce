// Helpers for the end-to-end world tests: the reference world at test size, and the checks
// every run gets.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "scenarios/world/reference_world.h"
#include "scenarios/world/world.h"

namespace mw::scen::testing {

// small_world: the reference world, one plant unless told, 40 simulated minutes of production
// at one event per second per line.
inline WorldSpec small_world(std::uint64_t seed, ReferenceWorldOptions o = {}) {
  o.seed = seed;
  if (o.production == sim::hours(1)) o.production = sim::minutes(40);
  o.events_per_second_per_line = 1.0;
  return reference_world(o);
}

inline bool fired(const WorldResult& r, const std::string& oracle) {
  const auto failed = r.failed_oracles();
  return std::find(failed.begin(), failed.end(), oracle) != failed.end();
}

}  // namespace mw::scen::testing
