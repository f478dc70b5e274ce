// JUnit XML for CI systems (--junit): one test suite per scenario run, one test case per check
// (each oracle, each service level), a failure element with the detail and the replay command
// for each check that did not pass.
#pragma once

#include <string>
#include <vector>

#include "scenarios/scenario/scenario_run.h"

namespace mw::scen {

std::string junit_xml(const std::vector<const ScenarioRun*>& runs);

}  // namespace mw::scen
