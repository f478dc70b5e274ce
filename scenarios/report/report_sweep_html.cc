#include "scenarios/report/report_sweep_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "middleware/probes.h"
#include "scenarios/report/report_junit.h"
#include "scenarios/report/svg_chart.h"
#include "scenarios/scenario/compare.h"
#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/sweep.h"

namespace mw::scen {
namespace {

using svg::row;

constexpr std::size_t kListedSeeds = 100;  // failing seeds listed per group
constexpr int kBins = 20;

struct Value {
  double v = 0;
  bool failed = false;
};

// histogram bins `values` into at most kBins bars of equal width from the smallest to the
// largest; a bar with a failing seed in it is red, and its tooltip counts them.
std::vector<svg::Bar> histogram(const std::vector<Value>& values,
                                std::string (*format)(double)) {
  if (values.empty()) return {};
  double lo = values.front().v, hi = lo;
  for (const Value& x : values) {
    lo = std::min(lo, x.v);
    hi = std::max(hi, x.v);
  }
  const int bins = hi > lo ? kBins : 1;
  const double width = hi > lo ? (hi - lo) / bins : 1;
  std::vector<std::size_t> count(bins), failed(bins);
  for (const Value& x : values) {
    const int i = std::min(bins - 1, static_cast<int>((x.v - lo) / width));
    ++count[i];
    failed[i] += x.failed ? 1 : 0;
  }
  std::vector<svg::Bar> bars;
  for (int i = 0; i < bins; ++i) {
    const double from = lo + width * i;
    const double to = hi > lo ? from + width : hi;
    std::string tip = std::to_string(count[i]) + " seed(s) from " + format(from) + " to " +
                      format(to);
    if (failed[i] > 0) tip += ", " + std::to_string(failed[i]) + " failed";
    bars.push_back({format(to), static_cast<double>(count[i]), tip, failed[i] > 0});
  }
  return bars;
}

std::string duration(double s) { return svg::duration_label(s); }
std::string count(double v) { return svg::label(std::round(v)); }

std::string seed_range(const scenario::SweepReport& r) {
  std::string out = std::to_string(r.first_seed()) + ".." + std::to_string(r.last_seed());
  if (r.shard_count() > 1)
    out += " (shard " + std::to_string(r.shard_index()) + "/" + std::to_string(r.shard_count()) +
           ")";
  return out;
}

// failures lists each group of failing seeds (failure_group) with each seed's replay command.
std::string failures(const scenario::SweepReport& r) {
  std::map<std::string, std::vector<const scenario::SeedResult*>> groups;
  for (const scenario::SeedResult& s : r.runs())
    if (!s.passed()) groups[failure_group(s)].push_back(&s);
  if (groups.empty()) return "<p>No seed failed.</p>\n";
  std::string out;
  for (const auto& [group, runs] : groups) {
    out += "<h3 class=\"failure-group\">" + xml_escape(group) + ": " +
           std::to_string(runs.size()) + " seed(s)</h3>\n<p>First: " +
           xml_escape(runs.front()->detail()) + "</p>\n<pre class=\"commands\">";
    const std::size_t shown = std::min(runs.size(), kListedSeeds);
    for (std::size_t i = 0; i < shown; ++i)
      out += "<code>" + xml_escape(replay_command(r.path(), runs[i]->seed(), r.design())) +
             "</code>";
    out += "</pre>\n";
    if (runs.size() > shown)
      out += "<p>... and " + std::to_string(runs.size() - shown) + " more (see --json)</p>\n";
  }
  return out;
}

std::string probe_table(const scenario::SweepReport& r) {
  std::map<std::string, std::size_t> reaching;
  for (const scenario::SeedResult& s : r.runs())
    for (const scenario::ProbeCount& p : s.figures().probes())
      if (p.count() > 0) ++reaching[p.name()];
  std::string out = "<table class=\"grid\">\n";
  for (std::string_view probe : core::probes::kProbes) {
    const auto it = reaching.find(std::string(probe));
    const std::size_t seeds = it == reaching.end() ? 0 : it->second;
    out += row(std::string(probe), std::to_string(seeds) + " of " +
                                       std::to_string(r.runs_size()) +
                                       (seeds == 0 ? " (never reached: not tested)" : ""));
  }
  return out + "</table>\n";
}

std::string distributions(const scenario::SweepReport& r, const std::string& prefix) {
  std::vector<Value> p99, drain, backlog, wall;
  std::size_t never_drained = 0;
  for (const scenario::SeedResult& s : r.runs()) {
    const scenario::Figures& f = s.figures();
    p99.push_back({f.latency_outside_faults_p99(), !s.passed()});
    if (f.drained()) {
      drain.push_back({f.drain_time(), !s.passed()});
    } else {
      ++never_drained;
    }
    backlog.push_back({static_cast<double>(f.max_backlog_in_middleware()), !s.passed()});
    wall.push_back({s.wall_seconds(), !s.passed()});
  }
  std::string out;
  out += svg::bar_chart(prefix + "p99",
                        "p99 end to end of the events no fault touched: seeds per range "
                        "(failing seeds red)",
                        "seeds", histogram(p99, duration));
  out += svg::bar_chart(prefix + "drain",
                        "Drain time after the settle point: seeds per range" +
                            (never_drained > 0
                                 ? "; " + std::to_string(never_drained) + " never drained"
                                 : std::string()),
                        "seeds", histogram(drain, duration));
  out += svg::bar_chart(prefix + "backlog", "Peak backlog in the middleware: seeds per range",
                        "seeds", histogram(backlog, count));
  out += svg::bar_chart(prefix + "wall", "Wall time per seed: seeds per range", "seeds",
                        histogram(wall, duration));
  return out;
}

std::string outcome_chart(const std::string& id, const scenario::SweepReport& r) {
  if (r.runs_size() > 400) return "";  // a bar per seed stops being readable
  std::vector<svg::Bar> bars;
  for (const scenario::SeedResult& s : r.runs())
    bars.push_back({std::to_string(s.seed()), std::max(s.simulated_seconds() / 60, 0.1),
                    "seed " + std::to_string(s.seed()) + ": " +
                        (s.passed() ? "passed" : "failed " + failure_group(s)) + ", " +
                        svg::duration_label(s.wall_seconds()) + " wall, digest " + s.digest(),
                    !s.passed()});
  return svg::bar_chart(id, "Each seed: simulated minutes (failing seeds red)", "minutes", bars);
}

}  // namespace

std::string sweep_report_html(const scenario::SweepReport& r) {
  const auto passed =
      std::count_if(r.runs().begin(), r.runs().end(), [](const auto& s) { return s.passed(); });
  const bool all = passed == r.runs_size();
  std::string out = svg::page_head("mwsim sweep: " + r.scenario());
  out += "<h1>" + xml_escape(r.scenario()) + " &middot; seeds " + xml_escape(seed_range(r)) +
         (r.design().empty() ? "" : " &middot; design " + xml_escape(r.design())) +
         " <span class=\"verdict " + (all ? "pass\">PASSED" : "fail\">FAILED") + "</span></h1>\n";
  char buf[160];
  const double minutes = r.wall_seconds() / 60;
  std::snprintf(buf, sizeof buf, "%.1f s wall, %.1f seeds per minute", r.wall_seconds(),
                minutes > 0 ? r.runs_size() / minutes : 0.0);
  out += "<table>\n" + row("scenario file", r.path()) +
         row("seeds", std::to_string(r.runs_size()) + " run, " + std::to_string(passed) +
                          " passed, " + std::to_string(r.runs_size() - passed) + " failed") +
         row("time", buf) + row("scenario digest", r.scenario_digest()) +
         row("mwsim", r.mwsim_version()) + "</table>\n";
  out += "<h2>Failures</h2>\n" + failures(r);
  out += "<h2>Seeds</h2>\n" + outcome_chart("chart-seeds", r);
  out += "<h2>Distributions over seeds</h2>\n" + distributions(r, "chart-");
  out += "<h2>Situation probes (seeds that reached each)</h2>\n" + probe_table(r);
  if (!r.effective_configuration().empty())
    out += "<h2>Effective configuration</h2>\n<details><summary>The first seed's world; the "
           "others differ in the seed only</summary>\n<pre>" +
           xml_escape(r.effective_configuration()) + "</pre></details>\n";
  return out + svg::page_foot("Generated by mwsim.");
}

std::string compare_report_html(const scenario::CompareReport& r) {
  std::string out = svg::page_head("mwsim compare: " + r.scenario());
  std::string seeds;
  bool as_expected = true;
  for (const scenario::DesignColumn& d : r.designs()) {
    seeds = seed_range(d.sweep());
    for (const auto& s : d.sweep().runs()) as_expected &= s.passed();
  }
  out += "<h1>" + xml_escape(r.scenario()) + " &middot; " + std::to_string(r.designs_size()) +
         " designs &middot; seeds " + xml_escape(seeds) + " <span class=\"verdict " +
         (as_expected ? "pass\">AS EXPECTED" : "fail\">NOT AS EXPECTED") + "</span></h1>\n";
  out += "<p><code>" + xml_escape(r.path()) + "</code></p>\n";
  out += "<h2>What every design is merged over</h2>\n<p>The scenario's own design";
  if (r.scenario_design().empty()) {
    out += ", which is the core's defaults.</p>\n";
  } else {
    out += ", which differs from the core's defaults in:</p>\n<table class=\"grid\">\n";
    for (const std::string& d : r.scenario_design())
      out += row(d, d.starts_with("unsafe.") ? "an unsafe setting: every design keeps it" : "");
    out += "</table>\n";
  }
  if (r.expected_failures_size() > 0) {
    std::string names;
    for (const std::string& e : r.expected_failures()) names += (names.empty() ? "" : ", ") + e;
    out += "<p>The scenario expects these checks to fail: <b>" + xml_escape(names) +
           "</b>; a run is as expected when exactly these fail.</p>\n";
  }
  out += "<h2>Designs</h2>\n<table class=\"grid\">\n";
  for (const scenario::DesignColumn& d : r.designs()) {
    std::string diffs;
    for (const std::string& x : d.differences()) diffs += (diffs.empty() ? "" : "; ") + x;
    out += row(d.name(), diffs.empty() ? "the scenario's own design, unchanged" : diffs);
  }
  out += "</table>\n<h2>Side by side</h2>\n<table class=\"grid\" id=\"comparison\">\n<tr><th></th>";
  for (const scenario::DesignColumn& d : r.designs()) out += "<th>" + xml_escape(d.name()) + "</th>";
  out += "</tr>\n";
  for (const ComparisonRow& line : comparison_rows(r)) {
    out += "<tr><th>" + xml_escape(line.label) + "</th>";
    for (const std::string& v : line.values) out += "<td>" + xml_escape(v) + "</td>";
    out += "</tr>\n";
  }
  out += "</table>\n";
  auto bars = [&](auto value_of, std::string (*format)(double)) {
    std::vector<svg::Bar> out_bars;
    for (const scenario::DesignColumn& d : r.designs()) {
      double worst = 0;
      bool failed = false;
      for (const auto& s : d.sweep().runs()) {
        worst = std::max(worst, value_of(s.figures()));
        failed |= !s.passed();
      }
      out_bars.push_back({d.name(), worst, d.name() + ": " + format(worst), failed});
    }
    return out_bars;
  };
  out += svg::bar_chart(
      "chart-compare-p99", "Worst p99 end to end of the events no fault touched, per design",
      "seconds", bars([](const auto& f) { return f.latency_outside_faults_p99(); }, duration));
  out += svg::bar_chart("chart-compare-drain", "Worst drain time of the drained seeds, per design",
                        "seconds", bars([](const auto& f) { return f.drain_time(); }, duration));
  out += svg::bar_chart(
      "chart-compare-requests", "Most ERP requests in a seed, per design", "requests",
      bars([](const auto& f) { return static_cast<double>(f.erp_requests()); }, count));
  for (const scenario::DesignColumn& d : r.designs()) {
    out += "<h2>Design " + xml_escape(d.name()) + ": failures</h2>\n" + failures(d.sweep());
  }
  return out + svg::page_foot("Generated by mwsim. Red bars: a design with a seed not as expected.");
}

}  // namespace mw::scen
