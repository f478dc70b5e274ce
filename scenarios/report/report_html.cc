#include "scenarios/report/report_html.h"

#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "scenarios/report/report_junit.h"
#include "scenarios/report/svg_chart.h"

namespace mw::scen {
namespace {

using svg::row;
using svg::seconds_text;

// latency_chart draws the posting latency histogram with its p50 and p99.
std::string latency_chart(const scenario::Report& r) {
  std::vector<svg::Bucket> buckets;
  for (const auto& b : r.posting_latency()) buckets.push_back({b.upper_bound(), b.count()});
  return svg::log_histogram("chart-latency",
                            "Posting latency (receipt to committed posted mark), " +
                                std::to_string(r.figures().erp_postings()) + " postings",
                            buckets,
                            {{"p50", r.figures().posting_latency_p50()},
                             {"p99", r.figures().posting_latency_p99()}});
}

// first_violation is the earliest time any violation names, if one names a time.
std::vector<svg::Marker> first_violation(const scenario::Report& r) {
  double at = std::numeric_limits<double>::infinity();
  std::string oracle;
  for (const auto& v : r.violations()) {
    for (double t : v.times()) {
      if (t < at) {
        at = t;
        oracle = v.oracle();
      }
    }
  }
  if (oracle.empty()) return {};
  return {{"first violation (" + oracle + ")", at / 60}};
}

// lanes groups the fault occurrences by lane, in the order their lanes first occur.
std::vector<svg::Lane> lanes(const scenario::Report& r) {
  std::vector<svg::Lane> out;
  std::map<std::string, std::size_t> index;
  for (const auto& o : r.occurrences()) {
    auto [it, added] = index.try_emplace(o.lane(), out.size());
    if (added) out.push_back({o.lane(), {}, o.random()});
    out[it->second].occurrences.push_back(
        {o.what() + ", " + svg::duration_label(o.start()) + " to " + svg::duration_label(o.end()),
         o.start() / 60, o.end() / 60});
  }
  return out;
}

std::string violations_section(const scenario::Report& r) {
  std::string out;
  for (const auto& c : r.checks()) {
    if (c.violations() == 0) continue;
    std::size_t shown = 0;
    std::string rows;
    for (const auto& v : r.violations()) {
      if (v.oracle() != c.name()) continue;
      ++shown;
      std::string events, times;
      for (const std::string& id : v.event_ids()) events += (events.empty() ? "" : " ") + id;
      for (double t : v.times()) times += (times.empty() ? "" : ", ") + svg::duration_label(t);
      rows += "<tr class=\"violation\"><td>" + std::to_string(shown) + "</td><td>" +
              xml_escape(v.what()) + "</td><td>" + xml_escape(v.key()) + "</td><td><code>" +
              xml_escape(events) + "</code></td><td>" + xml_escape(times) + "</td></tr>\n";
    }
    out += "<h3 id=\"violations-" + xml_escape(c.name()) + "\">" + xml_escape(c.name()) + ": " +
           std::to_string(c.violations()) + " violation(s)" +
           (shown < c.violations() ? ", the first " + std::to_string(shown) + " listed" : "") +
           "</h3>\n<table class=\"grid\"><tr><th>#</th><th>what</th><th>key</th><th>events</th>"
           "<th>at</th></tr>\n" +
           rows + "</table>\n";
  }
  return out.empty() ? out : "<h2>Violations</h2>\n" + out;
}

}  // namespace

std::string report_html(const scenario::Report& r) {
  const scenario::Figures& f = r.figures();
  const double x_max = r.simulated_seconds() / 60;
  // Shading: every fault as it happened (a random process's occurrences one by one).
  std::vector<svg::Window> windows;
  for (const auto& o : r.occurrences()) windows.push_back({o.what(), o.start() / 60, o.end() / 60});
  const std::vector<svg::Marker> marker = first_violation(r);

  // Backlog per plant: in the middleware (solid) and at the source, MES and edge (dashed).
  std::map<std::string, svg::Series> in_middleware;
  std::map<std::string, svg::Series> at_source;
  svg::Series parked{"dead letters parked", {}, false};
  svg::Series dead_lettered{"dead-lettered (total)", {}, true};
  svg::Series retries{"ERP retries (total)", {}, false};
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
  std::vector<svg::Series> backlog;
  for (auto& [plant, s] : in_middleware) backlog.push_back(std::move(s));
  for (auto& [plant, s] : at_source) backlog.push_back(std::move(s));
  // Latency over time, at the middle of each window.
  svg::Series p50{"p50", {}, false}, p99{"p99", {}, false}, max{"max", {}, true};
  for (const auto& w : r.latency_over_time()) {
    const double x = (w.start() + w.end()) / 120;
    p50.points.emplace_back(x, w.p50());
    p99.points.emplace_back(x, w.p99());
    max.points.emplace_back(x, w.max());
  }

  std::string out = svg::page_head("mwsim: " + r.scenario());
  out += "<h1>" + xml_escape(r.scenario()) + " &middot; seed " + std::to_string(r.seed()) +
         (r.design_name().empty() ? "" : " &middot; design " + xml_escape(r.design_name())) +
         " <span class=\"verdict " + (r.passed() ? "pass\">PASSED" : "fail\">FAILED") +
         "</span></h1>\n";
  if (!r.story().empty()) out += "<p class=\"story\">" + xml_escape(r.story()) + "</p>\n";
  out += "<p><code>" + xml_escape(r.path()) + "</code> &middot; trace digest <code>" +
         xml_escape(r.digest()) + "</code> &middot; replay: <code>" +
         xml_escape(r.replay_command()) + "</code></p>\n";
  out += std::string("<h2>Next</h2>\n<p>") +
         (r.passed() ? "Every expectation held. To try more seeds:"
                     : "Replay the failing run (every trace record), open it in Perfetto "
                       "(ui.perfetto.dev), or shrink it to the fewest faults that still fail:") +
         "</p>\n<pre class=\"commands\">";
  for (const std::string& c : r.next_commands()) out += "<code>" + xml_escape(c) + "</code>";
  out += "</pre>\n<h2>Checks</h2>\n<table>\n";
  for (const auto& c : r.checks()) {
    std::string detail = xml_escape(c.detail());
    if (c.violations() > 0)
      detail += " (<a href=\"#violations-" + xml_escape(c.name()) + "\">all of them</a>)";
    out += "<tr><td><span class=\"verdict " +
           std::string(c.passed() ? "pass\">PASS" : "fail\">FAIL") + "</span></td><th>" +
           xml_escape(c.name()) + "</th><td>" + detail + "</td></tr>\n";
  }
  out += "</table>\n<h2>Faults</h2>\n";
  out += svg::timeline("chart-faults",
                       "Every fault as it happened (random ones darker, one band each)" +
                           std::string(marker.empty() ? "" : "; the first violation marked"),
                       lanes(r), marker, x_max);
  out += "<h2>Backlog</h2>\n";
  out += svg::line_chart(
      "chart-backlog",
      "Backlog per plant: in the middleware (solid), at the source (dashed); faults shaded",
      "events", "simulated minutes", backlog, windows, marker, x_max);
  out += "<h2>Posting latency</h2>\n";
  out += svg::line_chart("chart-latency-time",
                         "End to end (plant event to ERP posting) over time, per window of " +
                             (r.latency_over_time_size() > 0
                                  ? svg::duration_label(r.latency_over_time(0).end() -
                                                        r.latency_over_time(0).start())
                                  : std::string("-")) +
                             "; faults shaded",
                         "seconds", "simulated minutes", {p50, p99, max}, windows, marker, x_max);
  out += latency_chart(r);
  out += "<h2>Dead letters and retries</h2>\n";
  out += svg::line_chart(
      "chart-dlq",
      "Dead letters parked and dead-lettered in total; ERP retries in total; faults shaded",
      "count", "simulated minutes", {parked, dead_lettered, retries}, windows, marker, x_max);
  out += violations_section(r);
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
  out += "<h2>Scenario</h2>\n<table class=\"grid\">\n";
  for (const auto& p : r.parameters()) out += row(p.name(), p.value());
  out += "</table>\n<h3>Design</h3>\n<p>" +
         (r.design_name().empty() ? std::string("The scenario's own design")
                                  : "Design <code>" + xml_escape(r.design_name()) +
                                        "</code> merged over the scenario's own") +
         (r.design_differences_size() == 0 ? ": the core's defaults throughout.</p>\n"
                                           : "; where it differs from the core's defaults:</p>\n"
                                             "<table class=\"grid\">\n");
  for (const std::string& d : r.design_differences()) {
    const std::size_t colon = d.find(": ");
    out += row(d.substr(0, colon), colon == std::string::npos ? "" : d.substr(colon + 2));
  }
  if (r.design_differences_size() > 0) out += "</table>\n";
  if (r.faults_size() > 0) {
    out += "<h3>Scheduled faults and random fault processes</h3>\n<table>\n";
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
  return out + svg::page_foot(
                   "Generated by mwsim. Middleware figures were scraped every 10 simulated "
                   "seconds across its restarts.");
}

}  // namespace mw::scen
