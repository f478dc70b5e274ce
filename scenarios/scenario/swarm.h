// Swarm worlds (TigerBeetle's swarm testing): for each seed, every fault family and workload
// shape is switched on or off at random, then the parameters of those switched on are drawn.
// One hand-tuned mix of faults hides bugs, because faults suppress each other (a middleware
// that is always down never meets a lost ERP reply); a swarm of mixes does not.
//
// A swarm world is a whole, valid Scenario message, so a failing one is a scenario file that
// `mwsim run`, `replay` and `shrink` understand unchanged.
//
// Determinism: the world depends on the seed only. Each family draws from its own named stream
// (sim::Rng::fork), so adding a family, or changing how one draws, leaves the others' draws
// unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "scenarios/proto/report.pb.h"
#include "scenarios/proto/scenario.pb.h"
#include "scenarios/scenario/sweep.h"

namespace mw::scen {

// SwarmOptions: families to keep off whatever the seed draws (say, one whose bug is known
// and reported, so a regression test sees the others). The stream of a family kept off is
// untouched, so every other family draws as it would have.
struct SwarmOptions {
  std::set<std::string> off;
};

// kSwarmFamilies lists the families by name, as stories and SwarmOptions::off name them.
extern const std::vector<std::string> kSwarmFamilies;

// swarm_scenario generates the world of `seed`: named "swarm_<seed>", its story lists the
// families switched on, its own seed is `seed` (so `mwsim run` of the file replays it), a
// production of 5 to 15 simulated minutes and a generous drain bound.
mw::scenario::Scenario swarm_scenario(std::uint64_t seed, const SwarmOptions& options = {});

// swarm_text renders the world of `seed` as a scenario file: a header comment, then the
// message in protobuf text format (deterministic).
std::string swarm_text(std::uint64_t seed, const SwarmOptions& options = {});

// run_swarm runs swarm_scenario(seed) for each seed of `range`, `jobs` at a time (as
// run_sweep). Before starting each seed it asks `keep_starting` (a wall-clock budget, say);
// seeds never started are left out of the report. `on_done` as in run_sweep.
mw::scenario::SweepReport run_swarm(
    const SeedRange& range, const SwarmOptions& options, int jobs,
    const std::function<bool()>& keep_starting,
    const std::function<void(const mw::scenario::SeedResult&, std::size_t done)>& on_done);

}  // namespace mw::scen
