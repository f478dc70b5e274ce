#include "scenarios/report/report_json.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

#include "middleware/probes.h"
#include "sim/check.h"
#include "sim/trace.h"

namespace mw::scen {
namespace {

double seconds(sim::Duration d) { return std::chrono::duration<double>(d).count(); }
double seconds(sim::Time t) { return seconds(t - sim::kTimeZero); }

// kMaxOccurrences bounds the faults the timeline lists; a random process of a long run can
// make thousands, and the figures already count them.
constexpr int kMaxOccurrences = 2000;

// A random process's window ("random link outages", "crash points", ...) spans the whole run;
// the timeline draws its occurrences instead, from the records of what happened.
bool is_random_process(const std::string& what) {
  return what.starts_with("random ") || what == "crash points";
}

void add_occurrences(const ScenarioRun& run, scenario::Report& out) {
  const WorldResult& r = run.result;
  auto add = [&](const std::string& lane, const std::string& what, double start, double end,
                 bool random) {
    if (out.occurrences_size() >= kMaxOccurrences) return;
    scenario::FaultOccurrence* o = out.add_occurrences();
    o->set_lane(lane);
    o->set_what(what);
    o->set_start(start);
    o->set_end(end);
    o->set_random(random);
  };
  for (const FaultWindow& w : run.fault_windows) {
    // Crashes come from the crash records below, scheduled or not.
    if (is_random_process(w.what) || w.what.starts_with("crash ") ||
        w.what.starts_with("power loss "))
      continue;
    add(w.what, w.what, seconds(w.start), seconds(w.end), false);
  }
  for (const sim::CrashRecord& c : r.crashes) {
    const bool power = c.kind == sim::CrashKind::kPowerLoss;
    const bool scheduled =
        std::any_of(run.fault_windows.begin(), run.fault_windows.end(), [&](const FaultWindow& w) {
          return w.start == c.at && w.what == (power ? "power loss " : "crash ") + c.node;
        });
    add("crashes " + c.node, (power ? "power loss " : "crash ") + c.node, seconds(c.at),
        seconds(c.at + c.downtime), !scheduled);
  }
  for (const sim::OutageRecord& o : r.outages) {
    if (o.random)
      add("random outages " + o.a + " - " + o.b, "link " + o.a + " - " + o.b + " down",
          seconds(o.start), seconds(o.start + o.duration), true);
  }
  for (const sim::IsolationRecord& i : r.isolations) {
    if (i.random)
      add("random partitions " + i.node,
          "isolation " + i.node + (i.one_way ? " (one way)" : ""), seconds(i.start),
          seconds(i.start + i.duration), true);
  }
}

void add_violations(const WorldResult& r, scenario::Report& out) {
  for (const props::Verdict& v : r.verdicts) {
    for (const props::Violation& violation : v.violations()) {
      scenario::Violation* o = out.add_violations();
      o->set_oracle(v.oracle());
      o->set_what(violation.what);
      for (const std::string& id : violation.event_ids) o->add_event_ids(id);
      o->set_key(violation.key);
      for (sim::Time t : violation.times) o->add_times(seconds(t));
    }
  }
}

// latency_window picks a round window width that cuts the run into at most about 120.
sim::Duration latency_window(sim::Duration run) {
  using namespace std::chrono_literals;
  for (sim::Duration w : {10s, 30s, 60s, 120s, 300s, 600s, 900s, 1800s, 3600s, 7200s, 21600s,
                          43200s, 86400s}) {
    if (run <= w * 120) return w;
  }
  return std::chrono::duration_cast<sim::Duration>(run / 120);
}

void add_latency_over_time(const WorldResult& r, scenario::Report& out) {
  if (r.posting_timings.empty()) return;
  const sim::Duration width = latency_window(r.ended_at - sim::kTimeZero);
  std::map<std::int64_t, std::vector<sim::Duration>> windows;
  for (const WorldResult::PostingTiming& t : r.posting_timings)
    windows[(t.posted_at - sim::kTimeZero) / width].push_back(t.posted_at - t.created_at);
  for (auto& [index, latencies] : windows) {
    std::sort(latencies.begin(), latencies.end());
    auto rank = [&](std::size_t per_mille) {  // nearest rank, as everywhere else
      const std::size_t n = std::max<std::size_t>(1, (latencies.size() * per_mille + 999) / 1000);
      return latencies[n - 1];
    };
    scenario::LatencyWindow* w = out.add_latency_over_time();
    w->set_start(seconds(width * index));
    w->set_end(seconds(width * (index + 1)));
    w->set_postings(latencies.size());
    w->set_p50(seconds(rank(500)));
    w->set_p99(seconds(rank(990)));
    w->set_max(seconds(latencies.back()));
  }
}

void add_next_commands(const ScenarioRun& run, scenario::Report& out) {
  const std::string seed = " --seed " + std::to_string(run.seed);
  const std::string design = run.design.empty() ? "" : " --design " + run.design;
  if (run.passed()) {
    out.add_next_commands("mwsim sweep " + run.path + " --seeds 1..100" + design);
    return;
  }
  out.add_next_commands(replay_command(run.path, run.seed, run.design));
  out.add_next_commands("mwsim run " + run.path + seed + design + " --trace " + run.name +
                        "_seed" + std::to_string(run.seed) + ".trace.json");
  // shrink runs the scenario's own design: with --design, merge the design into a copy first.
  if (run.design.empty()) out.add_next_commands("mwsim shrink " + run.path + seed);
}

}  // namespace

scenario::Report make_report(const ScenarioRun& run) {
  const WorldResult& r = run.result;
  const core::Metrics& m = r.middleware_totals;
  scenario::Report out;
  out.set_scenario(run.name);
  out.set_path(run.path);
  out.set_seed(run.seed);
  out.set_passed(run.passed());
  out.set_digest(sim::format_digest(r.digest));
  out.set_replay_command(replay_command(run.path, run.seed, run.design));
  out.set_wall_seconds(run.wall_seconds);
  out.set_simulated_seconds(seconds(r.ended_at));
  out.set_effective_configuration(run.effective_configuration);
  out.set_story(run.story);
  for (const auto& [name, value] : run.parameters) {
    scenario::Parameter* p = out.add_parameters();
    p->set_name(name);
    p->set_value(value);
  }
  out.set_design_name(run.design);
  for (const std::string& d : run.design_differences) out.add_design_differences(d);

  scenario::Figures& f = *out.mutable_figures();
  for (std::string_view probe : core::probes::kProbes) {
    scenario::ProbeCount* p = f.add_probes();
    p->set_name(std::string(probe));
    const auto it = r.probes.find(p->name());
    p->set_count(it == r.probes.end() ? 0 : it->second);
  }
  for (const auto& [point, times] : r.crash_points_fired) {
    scenario::ProbeCount* p = f.add_crash_points_fired();
    p->set_name(point);
    p->set_count(times);
  }
  f.set_events_produced(r.events_created);
  f.set_erp_postings(r.erp_postings);
  f.set_dead_lettered(m.dead_lettered);
  f.set_parked_at_end(r.middleware.parked);
  f.set_replayed(m.replayed);
  f.set_quarantined(m.quarantined);
  f.set_duplicates_absorbed_by_middleware(m.duplicates);
  f.set_duplicates_absorbed_by_erp(r.erp.duplicates_absorbed);
  f.set_erp_requests(r.erp.requests);
  f.set_erp_throttled(r.erp.throttled);
  f.set_erp_internal_errors(r.erp.internal_errors);
  f.set_erp_lost_replies(r.erp.lost_replies);
  f.set_retries(m.retries);
  f.set_reconciliations(m.reconciliations);
  f.set_middleware_restarts(r.middleware_lives > 0 ? r.middleware_lives - 1 : 0);
  const BacklogPeak peak = backlog_peak(r.samples);
  f.set_max_backlog_in_middleware(peak.in_middleware);
  f.set_max_backlog_at_sources(peak.at_sources);
  f.set_posting_latency_p50(seconds(m.posting_latency.percentile(500)));
  f.set_posting_latency_p99(seconds(m.posting_latency.percentile(990)));
  f.set_posting_latency_max(seconds(m.posting_latency.max()));
  f.set_drained(r.drained);
  f.set_drain_time(r.drained ? seconds(r.drained_at - r.last_fault_end) : 0);
  f.set_settle_point(seconds(r.last_fault_end));
  const LatencyOutsideFaults outside = latency_outside_faults(r, run.fault_windows);
  f.set_latency_outside_faults_p50(seconds(outside.p50));
  f.set_latency_outside_faults_p99(seconds(outside.p99));
  f.set_postings_outside_faults(outside.postings);

  for (const Check& c : run.checks) {
    scenario::Check* out_check = out.add_checks();
    out_check->set_name(c.name);
    out_check->set_passed(c.passed);
    out_check->set_detail(c.detail);
    out_check->set_violations(c.violations);
  }
  for (const FaultWindow& w : run.fault_windows) {
    scenario::FaultWindow* fw = out.add_faults();
    fw->set_what(w.what);
    fw->set_start(seconds(w.start));
    fw->set_end(seconds(w.end));
  }
  for (const MetricsSample& s : r.samples) {
    scenario::Sample* sample = out.add_samples();
    sample->set_at(seconds(s.at));
    sample->set_middleware_up(s.middleware_up);
    for (const auto& [plant, b] : s.plants) {
      scenario::PlantBacklog* pb = sample->add_plants();
      pb->set_plant(plant);
      pb->set_at_source(b.at_source);
      pb->set_in_middleware(b.in_middleware);
    }
    sample->set_parked(s.parked);
    sample->set_dead_lettered(s.dead_lettered);
    sample->set_retries(s.retries);
  }
  for (const auto& [upper, count] : m.posting_latency.nonempty_buckets()) {
    scenario::LatencyBucket* b = out.add_posting_latency();
    b->set_upper_bound(seconds(upper));
    b->set_count(count);
  }
  add_occurrences(run, out);
  add_violations(r, out);
  add_latency_over_time(r, out);
  add_next_commands(run, out);
  return out;
}

std::string report_json(const scenario::Report& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  const auto status = google::protobuf::util::MessageToJsonString(report, &out, options);
  MW_CHECK(status.ok(), "a Report always converts to JSON");
  return out;
}

}  // namespace mw::scen
