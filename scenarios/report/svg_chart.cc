#include "scenarios/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "scenarios/report/report_junit.h"

namespace mw::scen::svg {
namespace {

constexpr double kWidth = 860;
constexpr double kHeight = 260;
constexpr double kLeft = 64;  // room for the y labels
constexpr double kRight = 16;
constexpr double kTop = 28;
constexpr double kBottom = 36;
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                   "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"};

std::string open_svg(const std::string& id, const std::string& title, double height) {
  return "<svg class=\"chart\" id=\"" + id + "\" viewBox=\"0 0 " + num(kWidth) + " " +
         num(height) + "\" width=\"" + num(kWidth) + "\" height=\"" + num(height) +
         "\" role=\"img\" aria-label=\"" + xml_escape(title) + "\">\n<text x=\"" + num(kLeft) +
         "\" y=\"18\" class=\"title\">" + xml_escape(title) + "</text>\n";
}

// y_grid draws the horizontal grid lines and their labels for an axis from 0 to y_max.
template <typename Py>
std::string y_grid(double y_max, double w, const Py& py) {
  std::string svg;
  const int divisions = y_divisions(y_max);
  for (int i = 0; i <= divisions; ++i) {
    const double y = y_max * i / divisions;
    svg += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + w) + "\" y1=\"" +
           num(py(y)) + "\" y2=\"" + num(py(y)) + "\"/><text class=\"axis\" x=\"" + num(kLeft - 6) +
           "\" y=\"" + num(py(y) + 4) + "\" text-anchor=\"end\">" + label(y) + "</text>\n";
  }
  return svg;
}

template <typename Px>
std::string markers_svg(const std::vector<Marker>& markers, double x_max, double top,
                        double bottom, const Px& px) {
  std::string svg;
  for (const Marker& m : markers) {
    const double x = px(std::clamp(m.at, 0.0, x_max));
    svg += "<line class=\"marker\" x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(top) +
           "\" y2=\"" + num(bottom) + "\"><title>" + xml_escape(m.what) +
           "</title></line><text class=\"marker-label\" x=\"" + num(x + 3) + "\" y=\"" +
           num(bottom - 4) + "\">" + xml_escape(m.what) + "</text>\n";
  }
  return svg;
}

}  // namespace

// nice_max rounds `v` up to 1, 2 or 5 times a power of ten, for axis tops.
double nice_max(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

// y_divisions splits an axis top from nice_max into round steps: 2 -> 4 steps, 1 and 5 -> 5.
int y_divisions(double top) {
  const double mantissa = top / std::pow(10, std::floor(std::log10(top)));
  return std::abs(mantissa - 2) < 1e-9 ? 4 : 5;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string label(double v) {
  char buf[32];
  if (v >= 10000) {
    std::snprintf(buf, sizeof buf, "%.0fk", v / 1000);
  } else if (v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2g", v);
  }
  return buf;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

std::string duration_label(double s) {
  char buf[32];
  if (s < 1) {
    std::snprintf(buf, sizeof buf, "%.0f ms", s * 1000);
  } else if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else if (s < 7200) {
    std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  }
  return buf;
}

std::string page_head(const std::string& title) {
  return R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>)" + xml_escape(title) +
         R"(</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 940px; }
h1 { font-size: 20px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; }
.verdict { font-weight: bold; padding: 2px 8px; border-radius: 4px; }
.pass { background: #d8f0d8; color: #185c18; } .fail { background: #f6d5d5; color: #8a1616; }
.expected { background: #fbeccb; color: #6b4a00; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
table.grid td, table.grid th { border-bottom: 1px solid #eee; padding-right: 14px; }
code { background: #f2f2f2; padding: 2px 4px; } pre.commands code { display: block; margin: 2px 0; }
.story { font-size: 15px; color: #333; }
svg.chart { display: block; margin: 8px 0 16px; background: #fff; border: 1px solid #ddd; }
svg .title { font-weight: 600; font-size: 13px; } svg .axis { font-size: 11px; fill: #555; }
svg .legend { font-size: 11px; font-weight: 600; } svg .grid { stroke: #eee; }
svg .fault { fill: #f4b400; fill-opacity: 0.18; }
svg .occurrence { fill: #f4b400; fill-opacity: 0.75; } svg .occurrence.random { fill: #e8710a; }
svg .lane { font-size: 11px; fill: #333; }
svg .marker { stroke: #d62728; stroke-width: 1.5; stroke-dasharray: 4,3; }
svg .marker-label { font-size: 11px; font-weight: 600; fill: #d62728; }
</style></head><body>
)";
}

std::string page_foot(const std::string& footer) {
  return "<p style=\"color:#777\">" + xml_escape(footer) + "</p>\n</body></html>\n";
}

std::string line_chart(const std::string& id, const std::string& title, const std::string& y_unit,
                       const std::string& x_unit, const std::vector<Series>& series,
                       const std::vector<Window>& windows, const std::vector<Marker>& markers,
                       double x_max) {
  double y_max = 0;
  for (const Series& s : series) {
    for (const auto& [x, y] : s.points) y_max = std::max(y_max, y);
  }
  y_max = nice_max(y_max);
  x_max = std::max(x_max, 1.0);
  const int legend_rows = static_cast<int>((series.size() + 3) / 4);
  const double top = kTop + 14.0 * legend_rows;  // the legend sits above the plot
  const double height = kHeight + 14.0 * legend_rows;
  const double w = kWidth - kLeft - kRight;
  const double h = height - top - kBottom;
  auto px = [&](double x) { return kLeft + w * x / x_max; };
  auto py = [&](double y) { return top + h - h * y / y_max; };

  std::string svg = open_svg(id, title, height);
  for (const Window& win : windows) {
    const double x0 = px(std::clamp(win.start, 0.0, x_max));
    const double x1 = px(std::clamp(win.end, 0.0, x_max));
    svg += "<rect class=\"fault\" x=\"" + num(x0) + "\" y=\"" + num(top) + "\" width=\"" +
           num(std::max(x1 - x0, 1.0)) + "\" height=\"" + num(h) + "\"><title>" +
           xml_escape(win.what) + "</title></rect>\n";
  }
  svg += y_grid(y_max, w, py);
  for (int i = 0; i <= 6; ++i) {
    const double x = x_max * i / 6;
    svg += "<text class=\"axis\" x=\"" + num(px(x)) + "\" y=\"" + num(top + h + 16) +
           "\" text-anchor=\"middle\">" + label(std::round(x * 10) / 10) + "</text>\n";
  }
  svg += "<text class=\"axis\" x=\"" + num(kLeft + w) + "\" y=\"" + num(height - 4) +
         "\" text-anchor=\"end\">" + xml_escape(x_unit) + "</text>\n";
  svg += "<text class=\"axis\" x=\"4\" y=\"" + num(top - 6) + "\">" + xml_escape(y_unit) +
         "</text>\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    const std::string color = kColors[i % std::size(kColors)];
    std::string points;
    for (const auto& [x, y] : s.points) points += num(px(x)) + "," + num(py(y)) + " ";
    svg += "<polyline class=\"series\" data-name=\"" + xml_escape(s.name) +
           "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.6\"" +
           (s.dashed ? " stroke-dasharray=\"5,3\"" : "") + " points=\"" + points + "\"/>\n";
    const double lx = kLeft + 8 + static_cast<double>(i % 4) * 200;
    const double ly = kTop + 4 + static_cast<double>(i / 4) * 14;
    svg += "<text class=\"legend\" data-series=\"" + xml_escape(s.name) + "\" x=\"" + num(lx) +
           "\" y=\"" + num(ly) + "\" style=\"fill: " + color + "\">" + (s.dashed ? "- - " : "— ") +
           xml_escape(s.name) + "</text>\n";
  }
  svg += markers_svg(markers, x_max, top, top + h, px);
  return svg + "</svg>\n";
}

std::string bar_chart(const std::string& id, const std::string& title, const std::string& y_unit,
                      const std::vector<Bar>& bars) {
  std::string svg = open_svg(id, title, kHeight);
  if (bars.empty())
    return svg + "<text x=\"" + num(kLeft) + "\" y=\"60\">nothing to draw</text>\n</svg>\n";
  double y_max = 0;
  for (const Bar& b : bars) y_max = std::max(y_max, b.value);
  y_max = nice_max(y_max);
  const double w = kWidth - kLeft - kRight;
  const double h = kHeight - kTop - kBottom;
  auto py = [&](double y) { return kTop + h - h * y / y_max; };
  svg += y_grid(y_max, w, py);
  svg += "<text class=\"axis\" x=\"4\" y=\"" + num(kTop - 6) + "\">" + xml_escape(y_unit) +
         "</text>\n";
  const double slot = w / static_cast<double>(bars.size());
  // Every label when they fit (about 7 px a character), else every k-th.
  std::size_t longest = 1;
  for (const Bar& b : bars) longest = std::max(longest, b.label.size());
  const std::size_t every = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::ceil(7.0 * static_cast<double>(longest) / slot)));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double x = kLeft + slot * static_cast<double>(i);
    svg += "<rect class=\"bar\" x=\"" + num(x + slot * 0.1) + "\" y=\"" + num(py(b.value)) +
           "\" width=\"" + num(std::max(slot * 0.8, 1.0)) + "\" height=\"" +
           num(kTop + h - py(b.value)) + "\" fill=\"" + (b.bad ? "#d62728" : "#1f77b4") +
           "\"><title>" + xml_escape(b.tip) + "</title></rect>\n";
    if (i % every == 0)
      svg += "<text class=\"axis\" x=\"" + num(x + slot / 2) + "\" y=\"" + num(kTop + h + 16) +
             "\" text-anchor=\"middle\">" + xml_escape(b.label) + "</text>\n";
  }
  return svg + "</svg>\n";
}

std::string log_histogram(const std::string& id, const std::string& title,
                          const std::vector<Bucket>& buckets, const std::vector<Marker>& lines) {
  constexpr double kFloor = 1e-6;  // log10 needs a positive bound; a microsecond is below any
  std::string svg = open_svg(id, title, kHeight);
  if (buckets.empty())
    return svg + "<text x=\"" + num(kLeft) + "\" y=\"60\">nothing to draw</text>\n</svg>\n";
  std::uint64_t top = 0;
  for (const Bucket& b : buckets) top = std::max(top, b.count);
  const double y_max = nice_max(static_cast<double>(top));
  const double lo = std::log10(std::max(kFloor, buckets.front().upper_bound));
  const double hi = std::log10(std::max(buckets.back().upper_bound, kFloor)) + 0.1;
  const double w = kWidth - kLeft - kRight;
  const double h = kHeight - kTop - kBottom;
  auto px = [&](double seconds) {
    return kLeft + w * (std::log10(std::max(seconds, kFloor)) - lo + 0.05) / (hi - lo + 0.1);
  };
  auto py = [&](double y) { return kTop + h - h * y / y_max; };
  svg += y_grid(y_max, w, py);
  for (double decade = std::floor(lo); decade <= hi; decade += 1) {
    const double s = std::pow(10, decade);
    const std::string text = s < 1 ? label(s * 1000) + " ms" : label(s) + " s";
    svg += "<text class=\"axis\" x=\"" + num(px(s)) + "\" y=\"" + num(kTop + h + 16) +
           "\" text-anchor=\"middle\">" + text + "</text>\n";
  }
  const double bar = std::max(2.0, w / (3.0 * static_cast<double>(buckets.size())));
  for (const Bucket& b : buckets) {
    const double x = px(b.upper_bound);
    const double y = py(static_cast<double>(b.count));
    svg += "<rect class=\"bar\" x=\"" + num(x - bar / 2) + "\" y=\"" + num(y) + "\" width=\"" +
           num(bar) + "\" height=\"" + num(kTop + h - y) + "\" fill=\"" + kColors[0] +
           "\"><title>&lt;= " + num(b.upper_bound * 1000) + " ms: " + std::to_string(b.count) +
           "</title></rect>\n";
  }
  for (const Marker& m : lines) {
    const double x = px(m.at);
    svg += "<line class=\"marker\" x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" +
           num(kTop) + "\" y2=\"" + num(kTop + h) + "\"/><text class=\"legend\" x=\"" +
           num(x + 3) + "\" y=\"" + num(kTop + 12) + "\">" + xml_escape(m.what) + "</text>\n";
  }
  return svg + "</svg>\n";
}

std::string timeline(const std::string& id, const std::string& title,
                     const std::vector<Lane>& lanes, const std::vector<Marker>& markers,
                     double x_max) {
  constexpr double kLaneLeft = 230;  // room for the lane names
  constexpr double kLaneHeight = 20;
  x_max = std::max(x_max, 1.0);
  const double top = kTop + 4;
  const double h = kLaneHeight * static_cast<double>(std::max<std::size_t>(lanes.size(), 1));
  const double height = top + h + kBottom;
  const double w = kWidth - kLaneLeft - kRight;
  auto px = [&](double x) { return kLaneLeft + w * x / x_max; };
  std::string svg = open_svg(id, title, height);
  if (lanes.empty())
    svg += "<text class=\"lane\" x=\"" + num(kLaneLeft) + "\" y=\"" + num(top + 14) +
           "\">no faults</text>\n";
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const Lane& lane = lanes[i];
    const double y = top + kLaneHeight * static_cast<double>(i);
    svg += "<line class=\"grid\" x1=\"" + num(kLaneLeft) + "\" x2=\"" + num(kLaneLeft + w) +
           "\" y1=\"" + num(y + kLaneHeight) + "\" y2=\"" + num(y + kLaneHeight) + "\"/>";
    svg += "<text class=\"lane\" x=\"" + num(kLaneLeft - 6) + "\" y=\"" + num(y + 14) +
           "\" text-anchor=\"end\">" + xml_escape(lane.name) +
           (lane.occurrences.size() > 1 ? " (" + std::to_string(lane.occurrences.size()) + ")"
                                        : std::string()) +
           "</text>\n";
    for (const Window& o : lane.occurrences) {
      const double x0 = px(std::clamp(o.start, 0.0, x_max));
      const double x1 = px(std::clamp(o.end, 0.0, x_max));
      svg += std::string("<rect class=\"occurrence") + (lane.random ? " random" : "") +
             "\" data-lane=\"" + xml_escape(lane.name) + "\" x=\"" + num(x0) + "\" y=\"" +
             num(y + 3) + "\" width=\"" + num(std::max(x1 - x0, 1.5)) + "\" height=\"" +
             num(kLaneHeight - 6) + "\"><title>" + xml_escape(o.what) + "</title></rect>\n";
    }
  }
  for (int i = 0; i <= 6; ++i) {
    const double x = x_max * i / 6;
    svg += "<text class=\"axis\" x=\"" + num(px(x)) + "\" y=\"" + num(top + h + 16) +
           "\" text-anchor=\"middle\">" + label(std::round(x * 10) / 10) + "</text>\n";
  }
  svg += "<text class=\"axis\" x=\"" + num(kLaneLeft + w) + "\" y=\"" + num(height - 4) +
         "\" text-anchor=\"end\">simulated minutes</text>\n";
  svg += markers_svg(markers, x_max, top, top + h, px);
  return svg + "</svg>\n";
}

std::string row(const std::string& key, const std::string& value) {
  return "<tr><th>" + xml_escape(key) + "</th><td>" + xml_escape(value) + "</td></tr>\n";
}

}  // namespace mw::scen::svg
