// The safe design keeps every oracle, for random worlds. RapidCheck draws a seed and the world
// is the swarm world of that seed (scenarios/scenario/swarm.h): each fault family and workload
// shape switched on or off, its parameters drawn, the same generator `mwsim swarm` sweeps. The
// world is built and judged the way `mwsim run` does, so a counterexample's seed is a scenario
// file away from a replay: `mwsim swarm --seeds N..N` writes it.
//
// Cases per run: RC_PARAMS. ctest sets max_success=6 and a fixed seed, so `make test` is quick
// and the same on every machine; search further with another seed and more cases, e.g.
// RC_PARAMS="max_success=500 seed=7" build/release/properties/properties_safe_design_test.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <string>

#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"
#include "scenarios/scenario/swarm.h"

namespace mw::props {
namespace {

TEST(SafeDesignProperty, EveryOracleHoldsForRandomWorldsAndFaults) {
  const bool ok = rc::check("the safe design keeps every oracle", [] {
    // Seeds from 1 up: a counterexample shrinks towards small seeds, which read well.
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000'000);
    scen::ScenarioFile file;
    file.path = "swarm_" + std::to_string(seed) + ".textproto";
    file.scenario = scen::swarm_scenario(seed);
    const scen::BuiltWorld built = scen::build_world(file);
    RC_ASSERT(built.ok());
    const scen::ScenarioRun run = scen::run_scenario(file, built);
    RC_LOG() << file.scenario.story() << "\n"
             << scen::format_summary(run) << "write the world: mwsim swarm --seeds " << seed << ".."
             << seed << "\n";
    RC_ASSERT(run.passed());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace mw::props
