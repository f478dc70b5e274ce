// The HTML reports of many runs (--report FILE.html), self-contained like a run's:
// - a sweep (or a merged one): the verdict, the failures grouped by what failed with each
//   failing seed's replay command, the distributions over seeds (p99 of the events no fault
//   touched, drain time, peak backlog, wall time) with failing seeds in red, the outcome of
//   each seed, and the probe coverage;
// - a comparison: the design every column is merged over, each design's differences, the
//   comparison's rows as a table, bars per design for the figures that decide, and each
//   design's failing seeds.
// scripts/check-html-report renders both in headless Chromium.
#pragma once

#include <string>

#include "scenarios/proto/report.pb.h"

namespace mw::scen {

std::string sweep_report_html(const scenario::SweepReport& report);
std::string compare_report_html(const scenario::CompareReport& report);

}  // namespace mw::scen
