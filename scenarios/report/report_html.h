// The report people read (--report FILE.html): one self-contained page, no scripts and no
// network, with the verdicts, the figures, the replay command, and three charts drawn as
// inline SVG: backlog per plant over time with the fault windows shaded, the posting-latency
// distribution, and dead letters and retries over time.
//
// Each chart is an <svg class="chart" id="chart-..."> whose series are <polyline
// class="series"> or <rect class="bar"> elements: scripts/check-html-report renders the page
// in headless Chromium and checks that they are there.
#pragma once

#include <string>

#include "scenarios/proto/report.pb.h"

namespace mw::scen {

std::string report_html(const scenario::Report& report);

}  // namespace mw::scen
