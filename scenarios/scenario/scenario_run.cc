#include "scenarios/scenario/scenario_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <google/protobuf/text_format.h>

#include "middleware/config_defaults.h"
#include "middleware/probes.h"
#include "scenarios/model/effective_scenario.h"
#include "scenarios/scenario/compare.h"
#include "scenarios/scenario/duration_text.h"
#include "scenarios/world/world.h"
#include "sim/trace.h"

namespace mw::scen {
namespace {

std::string seconds_text(sim::Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", std::chrono::duration<double>(d).count());
  return buf;
}

std::string row(const std::string& label, const std::string& value) {
  std::string line = "  " + label;
  line.append(line.size() < 30 ? 30 - line.size() : 2, ' ');
  return line + value + "\n";
}

std::string n(std::uint64_t v) { return std::to_string(v); }

}  // namespace

std::vector<std::pair<std::string, std::string>> scenario_parameters(
    const mw::scenario::Scenario& scenario) {
  namespace pb = google::protobuf;
  pb::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<const pb::FieldDescriptor*> fields;
  scenario.GetReflection()->ListFields(scenario, &fields);  // set fields, in field-number order
  auto text = [&](const pb::FieldDescriptor* field, int index) {
    std::string value;
    printer.PrintFieldValueToString(scenario, field, index, &value);
    while (!value.empty() && value.back() == ' ') value.pop_back();
    return value.empty() || value == "{ }" ? std::string("(the defaults)") : value;
  };
  for (const pb::FieldDescriptor* field : fields) {
    const std::string& name = field->name();
    if (name == "name" || name == "story" || name == "faults" || name == "expect" ||
        name == "design")
      continue;  // shown on their own: the title, the story, the fault timeline, the checks
    if (field->is_repeated()) {
      const int size = scenario.GetReflection()->FieldSize(scenario, field);
      for (int i = 0; i < size; ++i)
        out.emplace_back(name + "[" + std::to_string(i) + "]", text(field, i));
    } else {
      out.emplace_back(name, text(field, -1));
    }
  }
  return out;
}

BacklogPeak backlog_peak(const std::vector<MetricsSample>& samples) {
  BacklogPeak p;
  for (const MetricsSample& s : samples) {
    std::uint64_t middleware = 0;
    std::uint64_t sources = 0;
    for (const auto& [plant, b] : s.plants) {
      middleware += b.in_middleware;
      sources += b.at_source;
    }
    if (middleware > p.in_middleware) {
      p.in_middleware = middleware;
      p.in_middleware_at = s.at;
    }
    if (sources > p.at_sources) {
      p.at_sources = sources;
      p.at_sources_at = s.at;
    }
  }
  return p;
}

bool ScenarioRun::passed() const {
  for (const Check& c : checks) {
    if (!c.passed) return false;
  }
  return true;
}

LatencyOutsideFaults latency_outside_faults(const WorldResult& r,
                                            const std::vector<FaultWindow>& faults) {
  std::vector<sim::Duration> latencies;
  for (const WorldResult::PostingTiming& t : r.posting_timings) {
    const bool touched = std::any_of(faults.begin(), faults.end(), [&](const FaultWindow& w) {
      return t.created_at < w.end && t.posted_at >= w.start;
    });
    if (!touched) latencies.push_back(t.posted_at - t.created_at);
  }
  LatencyOutsideFaults out;
  out.postings = latencies.size();
  if (latencies.empty()) return out;
  std::sort(latencies.begin(), latencies.end());
  // Nearest rank, as the core's histogram reports percentiles.
  auto rank = [&](std::size_t per_mille) {
    const std::size_t n = std::max<std::size_t>(1, (latencies.size() * per_mille + 999) / 1000);
    return latencies[n - 1];
  };
  out.p50 = rank(500);
  out.p99 = rank(990);
  out.max = latencies.back();
  return out;
}

std::vector<Check> judge(const WorldResult& r, const Expectations& expect,
                         const std::vector<FaultWindow>& faults) {
  std::vector<Check> checks;
  for (const props::Verdict& v : r.verdicts) {
    const bool must_fail = expect.oracles_fail.count(v.oracle()) != 0;
    Check c{v.oracle(), must_fail ? !v.held() : v.held(), "", v.count()};
    if (v.held()) {
      c.detail = must_fail ? "held, but this scenario shows it failing" : "held";
    } else {
      c.detail = std::to_string(v.count()) + " violation(s)" +
                 (must_fail ? ", as this scenario expects" : "");
      if (!v.violations().empty())
        c.detail += "; first: " + props::describe_violation(v.violations().front());
    }
    checks.push_back(std::move(c));
  }
  if (expect.max_p99_posting_latency) {
    const LatencyOutsideFaults l = latency_outside_faults(r, faults);
    checks.push_back({"p99 posting latency", l.p99 <= *expect.max_p99_posting_latency,
                      seconds_text(l.p99) + " end to end over " + std::to_string(l.postings) +
                          " postings outside fault windows (at most " +
                          format_duration_text(*expect.max_p99_posting_latency) + ")"});
  }
  if (expect.max_drain_time) {
    const bool ok = r.drained && r.drained_at - r.last_fault_end <= *expect.max_drain_time;
    checks.push_back(
        {"drain time", ok,
         (r.drained ? seconds_text(r.drained_at - r.last_fault_end) : std::string("not drained")) +
             " (at most " + format_duration_text(*expect.max_drain_time) + ")"});
  }
  for (const std::string& probe : expect.probes_reached) {
    const auto it = r.probes.find(probe);
    const std::uint64_t times = it == r.probes.end() ? 0 : it->second;
    checks.push_back({"probe " + probe, times > 0,
                      times > 0 ? "reached " + std::to_string(times) + " time(s)"
                                : "never reached, though this scenario requires it: the run did "
                                  "not test that situation"});
  }
  return checks;
}

ScenarioRun run_scenario(const ScenarioFile& file, const BuiltWorld& built, sim::TraceSink* trace,
                         std::function<void(const RunProgress&)> progress) {
  ScenarioRun run;
  run.name = file.scenario.name();
  run.path = file.path;
  run.design = file.design;
  run.seed = built.spec.seed;
  run.fault_windows = built.fault_windows;
  run.effective_configuration = effective_configuration_text(file.scenario, built.spec);
  run.story = file.scenario.story();
  run.parameters = scenario_parameters(file.scenario);
  run.design_differences =
      design_differences(core::with_defaults({}), core::with_defaults(built.spec.design));
  const auto start = std::chrono::steady_clock::now();  // wall time for the report only
  World world(built.spec);
  world.simulation().tracer().set_sink(trace);
  world.set_progress(std::move(progress));
  run.result = world.run();
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.checks = judge(run.result, built.expect, built.fault_windows);
  return run;
}

std::string replay_command(const std::string& path, std::uint64_t seed,
                           const std::string& design) {
  return "mwsim replay " + path + " --seed " + std::to_string(seed) +
         (design.empty() ? "" : " --design " + design);
}

std::string format_summary(const ScenarioRun& run) {
  const WorldResult& r = run.result;
  const double simulated = std::chrono::duration<double>(r.ended_at - sim::kTimeZero).count();
  std::string out = "scenario " + run.name + " (" + run.path + "), seed " + n(run.seed) + "\n";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.2f s, %.0fx real time", run.wall_seconds,
                run.wall_seconds > 0 ? simulated / run.wall_seconds : 0.0);
  out += row("simulated time", sim::format_duration(r.ended_at - sim::kTimeZero));
  out += row("wall time", buf);
  out += row("events produced", n(r.events_created));
  out += row("ERP postings", n(r.erp_postings));
  const core::Metrics& m = r.middleware_totals;
  out += row("dead-lettered", n(m.dead_lettered) + " (still parked at the end " +
                                  n(r.middleware.parked) + ", replayed " + n(m.replayed) + ")");
  out += row("quarantined", n(m.quarantined));
  out += row("duplicates absorbed", n(m.duplicates) + " by the middleware, " +
                                        n(r.erp.duplicates_absorbed) + " by the ERP");
  out += row("ERP requests", n(r.erp.requests) + " (throttled " + n(r.erp.throttled) + ", 500s " +
                                 n(r.erp.internal_errors) + ", replies lost " +
                                 n(r.erp.lost_replies) + ")");
  out += row("middleware retries", n(m.retries) + ", reconciliations " + n(m.reconciliations) +
                                       ", restarts " +
                                       n(r.middleware_lives > 0 ? r.middleware_lives - 1 : 0));
  const BacklogPeak peak = backlog_peak(r.samples);
  out +=
      row("max backlog", n(peak.in_middleware) + " events in the middleware (at " +
                             sim::format_time(peak.in_middleware_at) + "), " + n(peak.at_sources) +
                             " at the sources (at " + sim::format_time(peak.at_sources_at) + ")");
  const auto& h = m.posting_latency;
  out += row("posting latency", "p50 " + seconds_text(h.percentile(500)) + ", p99 " +
                                    seconds_text(h.percentile(990)) + ", max " +
                                    seconds_text(h.max()));
  const LatencyOutsideFaults outside = latency_outside_faults(r, run.fault_windows);
  out += row("end to end, outside faults",
             "p50 " + seconds_text(outside.p50) + ", p99 " + seconds_text(outside.p99) + ", max " +
                 seconds_text(outside.max) + " (" + n(outside.postings) + " postings)");
  out += row("settle point", sim::format_time(r.last_fault_end));
  out +=
      row("drain time", r.drained ? seconds_text(r.drained_at - r.last_fault_end) : "not drained");
  out += "  (middleware figures as scraped every " + format_duration_text(kScrapeInterval) +
         " across its lives)\n";
  if (!run.fault_windows.empty()) {
    out += "faults\n";
    for (const FaultWindow& w : run.fault_windows) {
      out += "  " + sim::format_time(w.start) + " .. " + sim::format_time(w.end) + "  " + w.what +
             "\n";
    }
  }
  out += "situation probes\n";
  for (std::string_view probe : core::probes::kProbes) {
    const auto it = r.probes.find(std::string(probe));
    out += row(std::string(probe), it == r.probes.end() ? "never reached" : n(it->second));
  }
  if (!r.crash_points_fired.empty()) {
    out += "crash points fired\n";
    for (const auto& [point, times] : r.crash_points_fired) out += row(point, n(times));
  }
  out += "checks\n";
  for (const Check& c : run.checks) {
    std::string label = std::string(c.passed ? "PASS " : "FAIL ") + c.name;
    out += row(label, c.detail);
  }
  out += "trace digest " + sim::format_digest(r.digest) + "\n";
  out +=
      run.passed() ? "PASSED\n" : "FAILED; to replay: " + replay_command(run.path, run.seed, run.design) + "\n";
  return out;
}

}  // namespace mw::scen
