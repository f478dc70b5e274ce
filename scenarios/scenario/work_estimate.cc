#include "scenarios/scenario/work_estimate.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace mw::scen {
namespace {

double seconds_of(sim::Duration d) { return std::chrono::duration<double>(d).count(); }

// burst_seconds: how much of [0, production) falls in shift-start bursts.
double burst_seconds(const fakes::MesConfig& mes, double production_s) {
  const double shift = seconds_of(mes.shift_length);
  const double burst = std::min(seconds_of(mes.shift_burst_duration), shift);
  if (shift <= 0) return 0;
  const double whole = std::floor(production_s / shift);
  return whole * burst + std::min(burst, production_s - whole * shift);
}

double crashes_of(const sim::RandomCrashes& c, double production_s) {
  const double up = seconds_of(c.mean_up);
  return up > 0 ? production_s / (up + seconds_of(c.mean_down)) : 0;
}

std::string rounded(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

WorkEstimate estimate_work(const WorldSpec& spec) {
  WorkEstimate out;
  const double production_s = seconds_of(spec.production);
  for (const PlantSpec& p : spec.plants) {
    const double rate = p.mes.lines * p.mes.events_per_second_per_line;
    const double bursts = burst_seconds(p.mes, production_s);
    out.plant_events +=
        rate * (production_s + bursts * std::max(0.0, p.mes.shift_burst_multiplier - 1));
  }
  out.node_crashes = crashes_of(spec.middleware_random_crashes, production_s);
  for (const auto& [node, c] : spec.random_crashes) out.node_crashes += crashes_of(c, production_s);
  if (out.plant_events > kWarnPlantEvents)
    out.warnings.push_back("the plants create about " + rounded(out.plant_events) +
                           " events, more than " + rounded(kWarnPlantEvents) +
                           " (about 10 minutes of simulation each 10 million): fewer plants, "
                           "lines or events_per_second_per_line, or a shorter production");
  const sim::RandomCrashes& mw = spec.middleware_random_crashes;
  if (mw.mean_up > sim::Duration::zero()) {
    const double up = seconds_of(mw.mean_up) / (seconds_of(mw.mean_up) + seconds_of(mw.mean_down));
    if (up < kWarnMiddlewareUpShare)
      out.warnings.push_back("the middleware is up about " + rounded(100 * up) +
                             " % of the production (mean_up " + rounded(seconds_of(mw.mean_up)) +
                             " s, mean_down " + rounded(seconds_of(mw.mean_down)) +
                             " s): the world can hardly work, and the run tests little");
  }
  if (out.node_crashes > kWarnNodeCrashes)
    out.warnings.push_back("random crashes come to about " + rounded(out.node_crashes) +
                           ", more than " + rounded(kWarnNodeCrashes) +
                           ": a mean_up that short leaves the world no time to work");
  return out;
}

}  // namespace mw::scen
