#include "scenarios/report/report_json.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>

#include "middleware/probes.h"
#include "sim/check.h"
#include "sim/trace.h"

namespace mw::scen {
namespace {

double seconds(sim::Duration d) { return std::chrono::duration<double>(d).count(); }
double seconds(sim::Time t) { return seconds(t - sim::kTimeZero); }

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
