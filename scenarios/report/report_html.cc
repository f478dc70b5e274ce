#include "scenarios/report/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "scenarios/report/report_junit.h"

namespace mw::scen {
namespace {

constexpr double kWidth = 860;
constexpr double kHeight = 260;
constexpr double kLeft = 64;  // room for the y labels
constexpr double kRight = 16;
constexpr double kTop = 28;
constexpr double kBottom = 36;
constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                   "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"};

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

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y)
  bool dashed = false;
};

struct Window {
  std::string what;
  double start = 0;
  double end = 0;
};

// Chart draws line series over x in [0, x_max] (minutes) with shaded windows.
std::string line_chart(const std::string& id, const std::string& title, const std::string& y_unit,
                       const std::vector<Series>& series, const std::vector<Window>& windows,
                       double x_max) {
  double y_max = 0;
  for (const Series& s : series) {
    for (const auto& [x, y] : s.points) y_max = std::max(y_max, y);
  }
  y_max = nice_max(y_max);
  x_max = std::max(x_max, 1.0);
  const double w = kWidth - kLeft - kRight;
  const double h = kHeight - kTop - kBottom;
  auto px = [&](double x) { return kLeft + w * x / x_max; };
  auto py = [&](double y) { return kTop + h - h * y / y_max; };

  std::string svg = "<svg class=\"chart\" id=\"" + id + "\" viewBox=\"0 0 " + num(kWidth) + " " +
                    num(kHeight) + "\" width=\"" + num(kWidth) + "\" height=\"" + num(kHeight) +
                    "\" role=\"img\" aria-label=\"" + xml_escape(title) + "\">\n";
  svg +=
      "<text x=\"" + num(kLeft) + "\" y=\"18\" class=\"title\">" + xml_escape(title) + "</text>\n";
  for (const Window& win : windows) {
    const double x0 = px(std::clamp(win.start, 0.0, x_max));
    const double x1 = px(std::clamp(win.end, 0.0, x_max));
    svg += "<rect class=\"fault\" x=\"" + num(x0) + "\" y=\"" + num(kTop) + "\" width=\"" +
           num(std::max(x1 - x0, 1.0)) + "\" height=\"" + num(h) + "\"><title>" +
           xml_escape(win.what) + "</title></rect>\n";
  }
  const int divisions = y_divisions(y_max);
  for (int i = 0; i <= divisions; ++i) {  // y grid and labels
    const double y = y_max * i / divisions;
    svg += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + w) + "\" y1=\"" +
           num(py(y)) + "\" y2=\"" + num(py(y)) + "\"/><text class=\"axis\" x=\"" + num(kLeft - 6) +
           "\" y=\"" + num(py(y) + 4) + "\" text-anchor=\"end\">" + label(y) + "</text>\n";
  }
  for (int i = 0; i <= 6; ++i) {  // x labels in minutes
    const double x = x_max * i / 6;
    svg += "<text class=\"axis\" x=\"" + num(px(x)) + "\" y=\"" + num(kTop + h + 16) +
           "\" text-anchor=\"middle\">" + label(std::round(x * 10) / 10) + "</text>\n";
  }
  svg += "<text class=\"axis\" x=\"" + num(kLeft + w) + "\" y=\"" + num(kHeight - 4) +
         "\" text-anchor=\"end\">simulated minutes</text>\n";
  svg += "<text class=\"axis\" x=\"4\" y=\"" + num(kTop - 6) + "\">" + xml_escape(y_unit) +
         "</text>\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    std::string points;
    for (const auto& [x, y] : s.points) points += num(px(x)) + "," + num(py(y)) + " ";
    svg += "<polyline class=\"series\" data-name=\"" + xml_escape(s.name) +
           "\" fill=\"none\" stroke=\"" + kColors[i % std::size(kColors)] +
           "\" stroke-width=\"1.6\"" + (s.dashed ? " stroke-dasharray=\"5,3\"" : "") +
           " points=\"" + points + "\"/>\n";
    const double lx = kLeft + 8 + static_cast<double>(i % 4) * 200;
    const double ly = kTop + 14 + static_cast<double>(i / 4) * 14;
    svg += "<text class=\"legend\" x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" fill=\"" +
           kColors[i % std::size(kColors)] + "\">" + (s.dashed ? "- - " : "— ") +
           xml_escape(s.name) + "</text>\n";
  }
  return svg + "</svg>\n";
}

// latency_chart draws the latency histogram as bars, one per bucket, on a log time axis.
std::string latency_chart(const scenario::Report& r) {
  const std::string title = "Posting latency (receipt to committed posted mark), " +
                            std::to_string(r.figures().erp_postings()) + " postings";
  std::string svg = "<svg class=\"chart\" id=\"chart-latency\" viewBox=\"0 0 " + num(kWidth) + " " +
                    num(kHeight) + "\" width=\"" + num(kWidth) + "\" height=\"" + num(kHeight) +
                    "\" role=\"img\" aria-label=\"" + xml_escape(title) + "\">\n<text x=\"" +
                    num(kLeft) + "\" y=\"18\" class=\"title\">" + xml_escape(title) + "</text>\n";
  if (r.posting_latency_size() == 0)
    return svg + "<text x=\"" + num(kLeft) + "\" y=\"60\">no postings</text>\n</svg>\n";
  std::uint64_t top = 0;
  for (const auto& b : r.posting_latency()) top = std::max(top, b.count());
  const double y_max = nice_max(static_cast<double>(top));
  const double lo = std::log10(std::max(1e-6, r.posting_latency(0).upper_bound()));
  const double hi =
      std::log10(std::max(r.posting_latency(r.posting_latency_size() - 1).upper_bound(), 1e-6)) +
      0.1;
  const double w = kWidth - kLeft - kRight;
  const double h = kHeight - kTop - kBottom;
  auto px = [&](double seconds) {
    return kLeft + w * (std::log10(std::max(seconds, 1e-6)) - lo + 0.05) / (hi - lo + 0.1);
  };
  auto py = [&](double y) { return kTop + h - h * y / y_max; };
  const int divisions = y_divisions(y_max);
  for (int i = 0; i <= divisions; ++i) {
    const double y = y_max * i / divisions;
    svg += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + w) + "\" y1=\"" +
           num(py(y)) + "\" y2=\"" + num(py(y)) + "\"/><text class=\"axis\" x=\"" + num(kLeft - 6) +
           "\" y=\"" + num(py(y) + 4) + "\" text-anchor=\"end\">" + label(y) + "</text>\n";
  }
  for (double decade = std::floor(lo); decade <= hi; decade += 1) {
    const double s = std::pow(10, decade);
    const std::string text = s < 1 ? label(s * 1000) + " ms" : label(s) + " s";
    svg += "<text class=\"axis\" x=\"" + num(px(s)) + "\" y=\"" + num(kTop + h + 16) +
           "\" text-anchor=\"middle\">" + text + "</text>\n";
  }
  const double bar = std::max(2.0, w / (3.0 * static_cast<double>(r.posting_latency_size())));
  for (const auto& b : r.posting_latency()) {
    const double x = px(b.upper_bound());
    svg += "<rect class=\"bar\" x=\"" + num(x - bar / 2) + "\" y=\"" +
           num(py(static_cast<double>(b.count()))) + "\" width=\"" + num(bar) + "\" height=\"" +
           num(h - (py(static_cast<double>(b.count())) - kTop)) +
           "\" fill=\"#1f77b4\"><title>&lt;= " + num(b.upper_bound() * 1000) +
           " ms: " + std::to_string(b.count()) + "</title></rect>\n";
  }
  for (const auto& [name, v] :
       {std::pair<const char*, double>{"p50", r.figures().posting_latency_p50()},
        std::pair<const char*, double>{"p99", r.figures().posting_latency_p99()}}) {
    svg += "<line class=\"marker\" x1=\"" + num(px(v)) + "\" x2=\"" + num(px(v)) + "\" y1=\"" +
           num(kTop) + "\" y2=\"" + num(kTop + h) + "\"/><text class=\"legend\" x=\"" +
           num(px(v) + 3) + "\" y=\"" + num(kTop + 12) + "\">" + name + "</text>\n";
  }
  return svg + "</svg>\n";
}

std::string row(const std::string& k, const std::string& v) {
  return "<tr><th>" + xml_escape(k) + "</th><td>" + xml_escape(v) + "</td></tr>\n";
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

}  // namespace

std::string report_html(const scenario::Report& r) {
  const scenario::Figures& f = r.figures();
  const double x_max = r.simulated_seconds() / 60;
  std::vector<Window> windows;
  for (const auto& w : r.faults()) windows.push_back({w.what(), w.start() / 60, w.end() / 60});

  // Backlog per plant: in the middleware (solid) and at the source, MES and edge (dashed).
  std::map<std::string, Series> in_middleware;
  std::map<std::string, Series> at_source;
  Series parked{"dead letters parked", {}, false};
  Series dead_lettered{"dead-lettered (total)", {}, true};
  Series retries{"ERP retries (total)", {}, false};
  for (const auto& s : r.samples()) {
    const double x = s.at() / 60;
    for (const auto& p : s.plants()) {
      auto& m = in_middleware[p.plant()];
      m.name = p.plant() + " in middleware";
      m.points.emplace_back(x, static_cast<double>(p.in_middleware()));
      auto& src = at_source[p.plant()];
      src.name = p.plant() + " at source";
      src.dashed = true;
      src.points.emplace_back(x, static_cast<double>(p.at_source()));
    }
    parked.points.emplace_back(x, static_cast<double>(s.parked()));
    dead_lettered.points.emplace_back(x, static_cast<double>(s.dead_lettered()));
    retries.points.emplace_back(x, static_cast<double>(s.retries()));
  }
  std::vector<Series> backlog;
  for (auto& [plant, s] : in_middleware) backlog.push_back(std::move(s));
  for (auto& [plant, s] : at_source) backlog.push_back(std::move(s));

  std::string out = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>mwsim: )" + xml_escape(r.scenario()) +
                    R"(</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 940px; }
h1 { font-size: 20px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; }
.verdict { font-weight: bold; padding: 2px 8px; border-radius: 4px; }
.pass { background: #d8f0d8; color: #185c18; } .fail { background: #f6d5d5; color: #8a1616; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
code { background: #f2f2f2; padding: 2px 4px; }
svg.chart { display: block; margin: 8px 0 16px; background: #fff; border: 1px solid #ddd; }
svg .title { font-weight: 600; font-size: 13px; } svg .axis, svg .legend { font-size: 11px; fill: #555; }
svg .legend { font-weight: 600; } svg .grid { stroke: #eee; } svg .fault { fill: #f4b400; fill-opacity: 0.18; }
svg .marker { stroke: #d62728; stroke-dasharray: 3,3; }
</style></head><body>
)";
  out += "<h1>" + xml_escape(r.scenario()) + " &middot; seed " + std::to_string(r.seed()) +
         " <span class=\"verdict " + (r.passed() ? "pass\">PASSED" : "fail\">FAILED") +
         "</span></h1>\n";
  out += "<p><code>" + xml_escape(r.path()) + "</code> &middot; trace digest <code>" +
         xml_escape(r.digest()) + "</code></p>\n";
  out += "<p>Replay: <code>" + xml_escape(r.replay_command()) + "</code></p>\n";
  out += "<h2>Checks</h2>\n<table>\n";
  for (const auto& c : r.checks()) {
    out += "<tr><td><span class=\"verdict " +
           std::string(c.passed() ? "pass\">PASS" : "fail\">FAIL") + "</span></td><th>" +
           xml_escape(c.name()) + "</th><td>" + xml_escape(c.detail()) + "</td></tr>\n";
  }
  out += "</table>\n<h2>Backlog</h2>\n";
  out += line_chart(
      "chart-backlog",
      "Backlog per plant: in the middleware (solid), at the source (dashed); faults shaded",
      "events", backlog, windows, x_max);
  out += "<h2>Posting latency</h2>\n" + latency_chart(r);
  out += "<h2>Dead letters and retries</h2>\n";
  out += line_chart(
      "chart-dlq",
      "Dead letters parked and dead-lettered in total; ERP retries in total; faults shaded",
      "count", {parked, dead_lettered, retries}, windows, x_max);
  out += "<h2>Figures</h2>\n<table>\n";
  out += row("simulated time", seconds_text(r.simulated_seconds()));
  out += row("wall time", seconds_text(r.wall_seconds()));
  out += row("events produced", std::to_string(f.events_produced()));
  out += row("ERP postings", std::to_string(f.erp_postings()));
  out += row("dead-lettered", std::to_string(f.dead_lettered()) + " (parked at the end " +
                                  std::to_string(f.parked_at_end()) + ", replayed " +
                                  std::to_string(f.replayed()) + ")");
  out += row("quarantined", std::to_string(f.quarantined()));
  out += row("duplicates absorbed",
             std::to_string(f.duplicates_absorbed_by_middleware()) + " by the middleware, " +
                 std::to_string(f.duplicates_absorbed_by_erp()) + " by the ERP");
  out += row("ERP requests", std::to_string(f.erp_requests()) + " (throttled " +
                                 std::to_string(f.erp_throttled()) + ", 500s " +
                                 std::to_string(f.erp_internal_errors()) + ", replies lost " +
                                 std::to_string(f.erp_lost_replies()) + ")");
  out += row("retries, reconciliations",
             std::to_string(f.retries()) + ", " + std::to_string(f.reconciliations()));
  out += row("middleware restarts", std::to_string(f.middleware_restarts()));
  out += row("max backlog", std::to_string(f.max_backlog_in_middleware()) + " in the middleware, " +
                                std::to_string(f.max_backlog_at_sources()) + " at the sources");
  out += row("posting latency", "p50 " + seconds_text(f.posting_latency_p50()) + ", p99 " +
                                    seconds_text(f.posting_latency_p99()) + ", max " +
                                    seconds_text(f.posting_latency_max()));
  out += row("end to end, outside faults",
             "p50 " + seconds_text(f.latency_outside_faults_p50()) + ", p99 " +
                 seconds_text(f.latency_outside_faults_p99()) + " over " +
                 std::to_string(f.postings_outside_faults()) + " postings");
  out += row("drain time", f.drained() ? seconds_text(f.drain_time()) + " after the settle point"
                                       : "not drained");
  out += "</table>\n";
  if (r.faults_size() > 0) {
    out += "<h2>Faults</h2>\n<table>\n";
    for (const auto& w : r.faults()) {
      out += row(w.what(), "from " + seconds_text(w.start()) + " to " + seconds_text(w.end()));
    }
    out += "</table>\n";
  }
  if (!r.effective_configuration().empty()) {
    out += "<h2>Effective configuration</h2>\n<details><summary>Every knob the world ran with, "
           "defaults included, as a scenario file (<code>mwsim run</code> of it gives this "
           "run)</summary>\n<pre>" +
           xml_escape(r.effective_configuration()) + "</pre></details>\n";
  }
  out +=
      "<p style=\"color:#777\">Generated by mwsim. Middleware figures were scraped every 10 "
      "simulated seconds across "
      "its restarts.</p>\n</body></html>\n";
  return out;
}

}  // namespace mw::scen
