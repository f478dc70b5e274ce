// The pieces the HTML reports (run, sweep, compare) draw with: a page head with the one style
// sheet, line charts over simulated time with shaded windows, bar charts, a fault timeline
// with a lane per fault kind, and the small number formats they share. Everything is inline
// SVG: a report is one file with no scripts and no network.
//
// Each chart is an <svg class="chart" id="chart-..."> whose series are <polyline
// class="series">, bars and histogram buckets <rect class="bar">, fault bands <rect class="fault">, timeline entries
// <rect class="occurrence">; scripts/check-html-report checks them in headless Chromium. A
// legend entry is <text class="legend" data-series="NAME"> coloured inline, so that no style
// rule can grey it (a class rule's fill beats an SVG fill attribute, not an inline style).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mw::scen::svg {

// page_head opens the document: doctype, title and the style sheet.
std::string page_head(const std::string& title);
// page_foot closes it, after a footer line.
std::string page_foot(const std::string& footer);

// nice_max rounds `v` up to 1, 2 or 5 times a power of ten, for axis tops; y_divisions splits
// such a top into round steps.
double nice_max(double v);
int y_divisions(double top);

std::string num(double v);           // "12.5": a coordinate
std::string label(double v);         // "12", "0.25", "15k": an axis label
std::string seconds_text(double s);  // "1.250 s"
// duration_label: "250 ms", "12.0 s", "3.5 min", "2.0 h".
std::string duration_label(double seconds);

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y)
  bool dashed = false;
};

// Window: a shaded span of the x axis (a fault), in the chart's x units.
struct Window {
  std::string what;
  double start = 0;
  double end = 0;
};

// Marker: a labelled vertical line (the first violation).
struct Marker {
  std::string what;
  double at = 0;
};

// line_chart draws `series` over x in [0, x_max] (`x_unit` names it) with shaded windows and
// markers; a legend entry per series in its colour.
std::string line_chart(const std::string& id, const std::string& title, const std::string& y_unit,
                       const std::string& x_unit, const std::vector<Series>& series,
                       const std::vector<Window>& windows, const std::vector<Marker>& markers,
                       double x_max);

struct Bar {
  std::string label;  // under the bar
  double value = 0;
  std::string tip;  // the tooltip
  bool bad = false;  // drawn red (a failure)
};

// bar_chart draws one bar per entry, labels under them (every k-th when crowded).
std::string bar_chart(const std::string& id, const std::string& title, const std::string& y_unit,
                      const std::vector<Bar>& bars);

// Bucket: one bar of a histogram on a log time axis, counting the values up to upper_bound
// seconds.
struct Bucket {
  double upper_bound = 0;
  std::uint64_t count = 0;
};

// log_histogram draws one bar per bucket on a log time axis (labelled in ms below a second, in s
// above) and a labelled vertical line at each of `lines` (p50, p99), whose `at` is in seconds.
std::string log_histogram(const std::string& id, const std::string& title,
                          const std::vector<Bucket>& buckets, const std::vector<Marker>& lines);

// Lane: one row of the fault timeline (a fault kind on a node or link) and its occurrences.
struct Lane {
  std::string name;
  std::vector<Window> occurrences;
  bool random = false;
};

// timeline draws a row per lane over [0, x_max] minutes, each occurrence a labelled band (its
// tooltip says what and when), and the markers across all rows.
std::string timeline(const std::string& id, const std::string& title,
                     const std::vector<Lane>& lanes, const std::vector<Marker>& markers,
                     double x_max);

// row renders a two-column table row, both cells escaped.
std::string row(const std::string& key, const std::string& value);

}  // namespace mw::scen::svg
