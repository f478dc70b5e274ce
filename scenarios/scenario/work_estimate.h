// work_estimate: how much a world will ask of the simulator, known before it runs, so that
// `validate` and `run` can warn about a scenario that would take hours (64 plants of 32 lines
// at 100 events a second; a middleware that crashes every millisecond) instead of starting it
// silently. Figures are estimates from the rates, not promises.
#pragma once

#include <string>
#include <vector>

#include "scenarios/world/world_spec.h"

namespace mw::scen {

struct WorkEstimate {
  double plant_events = 0;            // events the plants create during production
  double node_crashes = 0;            // random crashes of every node during production
  std::vector<std::string> warnings;  // one per figure above its threshold, saying what to do
};

// Thresholds: about 10 minutes of one core each on the project's VM. A world simulates
// 20,000 to 40,000 plant events per second of wall time: measured on e650ac3 (release),
// `mwsim run eight_plant_shift_start` made 18,996 events in 0.47 s, and
// plant_network_under_faults with `production: "8h"` 134,677 events in 7.23 s, faults and
// drain included. A middleware restart with recovery costs about a millisecond.
inline constexpr double kWarnPlantEvents = 10'000'000;
inline constexpr double kWarnNodeCrashes = 10'000;
// A middleware up less than this share of the production can hardly work between crashes.
inline constexpr double kWarnMiddlewareUpShare = 0.1;

// estimate_work estimates the work of `spec`.
WorkEstimate estimate_work(const WorldSpec& spec);

}  // namespace mw::scen
