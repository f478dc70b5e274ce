// The machine-readable report of a run: report.proto, written as JSON (--json).
#pragma once

#include <string>

#include "scenarios/proto/report.pb.h"
#include "scenarios/scenario/scenario_run.h"

namespace mw::scen {

// make_report fills a Report from a run.
scenario::Report make_report(const ScenarioRun& run);

// report_json renders `report` as indented JSON, every field present.
std::string report_json(const scenario::Report& report);

}  // namespace mw::scen
