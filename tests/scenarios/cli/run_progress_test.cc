// The progress line of `mwsim run`: what it says in each phase.
#include "scenarios/cli/run_progress.h"

#include <gtest/gtest.h>

namespace mw::cli {
namespace {

TEST(RunProgress, SaysThePhaseSimulatedTimeAgainstItsGoalAndWallTime) {
  scen::RunProgress p;
  p.phase = "production";
  p.now = sim::kTimeZero + sim::minutes(15);
  p.settle = sim::kTimeZero + sim::minutes(60);
  p.deadline = p.settle + sim::minutes(15);
  EXPECT_EQ(format_run_progress(p, 3.25),
            "production and faults: 15.0 min of 60.0 min simulated (25%), 3.2 s wall");
  p.phase = "drain";
  p.now = p.settle + sim::minutes(3);
  EXPECT_EQ(format_run_progress(p, 10),
            "draining (at most): 3.0 min of 15.0 min simulated (20%), 10.0 s wall");
}

}  // namespace
}  // namespace mw::cli
