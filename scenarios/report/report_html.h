// The report people read (mwsim run --report FILE.html): one self-contained page, no scripts
// and no network: the verdict and story, the commands to run next (replay, trace, shrink; a
// sweep when it passed), the checks, then charts drawn as inline SVG (svg_chart.h): a fault
// timeline with a lane per fault kind, every occurrence labelled and the first violation
// marked; backlog per plant; latency over time and its distribution; dead letters and
// retries; then every violation (the first 100 of each oracle and the count), the figures,
// the scenario's parameters, the design and the effective configuration.
// scripts/check-html-report renders the page in headless Chromium and checks each part.
#pragma once

#include <string>

#include "scenarios/proto/report.pb.h"

namespace mw::scen {

std::string report_html(const scenario::Report& report);

}  // namespace mw::scen
