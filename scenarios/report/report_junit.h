// JUnit XML for CI systems (--junit): one test suite per scenario run, one test case per check
// (each oracle, each service level), a failure element with the detail and the replay command
// for each check that did not pass.
#pragma once

#include <string>
#include <vector>

#include "scenarios/proto/report.pb.h"
#include "scenarios/scenario/scenario_run.h"

namespace mw::scen {

std::string junit_xml(const std::vector<const ScenarioRun*>& runs);

// sweep_junit_xml: one test suite for the sweep, a test case per seed, failing with the
// failed checks, the first one's detail and the replay command.
std::string sweep_junit_xml(const scenario::SweepReport& report);

// compare_junit_xml: a test suite per design ("scenario [design]"), a test case per seed.
std::string compare_junit_xml(const scenario::CompareReport& report);

// xml_escape makes `text` safe inside an XML attribute or element.
std::string xml_escape(const std::string& text);

}  // namespace mw::scen
