#include "scenarios/world/situations.h"

#include <algorithm>

#include "middleware/probes.h"

namespace mw::scen {

Situations::Situations(sim::Simulation& sim, sim::NodeId node, const CrashPointsSpec& spec,
                       sim::Time until)
    : sim_(sim), node_(node), spec_(spec), until_(until), rng_(sim.rng("crash-points")) {
  if (!spec_.enabled) return;
  // One draw per point, in the list's order, whichever are candidates: a smaller candidate
  // list changes nothing else about the run.
  for (std::string_view point : core::probes::kCrashPoints) {
    const bool candidate =
        spec_.points.empty() ||
        std::find(spec_.points.begin(), spec_.points.end(), point) != spec_.points.end();
    if (rng_.bernoulli(spec_.enable_probability) && candidate) enabled_.emplace(point);
  }
}

bool Situations::crash_point(std::string_view name) {
  if (enabled_.count(name) == 0 || crashes_ >= spec_.max_crashes) return false;
  const sim::Time now = sim_.scheduler().now();
  if (now >= until_) return false;
  if (!rng_.bernoulli(spec_.fire_probability)) return false;
  const bool power_loss = rng_.bernoulli(spec_.power_loss_probability);
  ++crashes_;
  ++fired_[std::string(name)];
  sim_.tracer().record(now, sim_.node(node_).name(), "crash_point.fire",
                       {{"point", name}, {"power_loss", power_loss ? 1 : 0}});
  sim_.schedule_crash(node_, now, spec_.downtime,
                      power_loss ? sim::CrashKind::kPowerLoss : sim::CrashKind::kProcessCrash);
  return true;
}

}  // namespace mw::scen
