#include "scenarios/world/disk_faults.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace mw::scen {
namespace {

// DiskFaultState: the windows and, once each has started, the quota it took.
struct DiskFaultState {
  std::vector<DiskFault> faults;
  std::map<std::size_t, std::uint64_t> quota_of;  // by index into `faults`, while open
};

// apply sets `node`'s disk to what the windows open on it ask for together.
void apply(sim::Simulation& sim, const DiskFaultState& state, const std::string& node) {
  double p = 0;
  std::optional<std::uint64_t> quota;
  for (const auto& [i, q] : state.quota_of) {
    const DiskFault& f = state.faults[i];
    if (f.node != node) continue;
    p = std::max(p, f.error_probability);
    if (f.headroom_bytes) quota = quota ? std::min(*quota, q) : q;
  }
  sim::Volume& volume = sim.node(sim.network().find(node)).volume();
  volume.set_io_error_probability(p);
  volume.set_quota_bytes(quota);
  sim.tracer().record(sim.scheduler().now(), node, "disk.faults",
                      {{"error_ppm", static_cast<std::int64_t>(p * 1'000'000)},
                       {"quota_bytes", quota ? static_cast<std::int64_t>(*quota) : -1},
                       {"used_bytes", static_cast<std::int64_t>(volume.used_bytes())}});
}

}  // namespace

void schedule_disk_faults(sim::Simulation& sim, const std::vector<DiskFault>& faults) {
  if (faults.empty()) return;
  auto state = std::make_shared<DiskFaultState>();
  state->faults = faults;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const DiskFault& f = faults[i];
    sim.scheduler().schedule_at(f.at, [&sim, state, i] {
      const DiskFault& fault = state->faults[i];
      const sim::Volume& volume = sim.node(sim.network().find(fault.node)).volume();
      state->quota_of[i] = volume.used_bytes() + fault.headroom_bytes.value_or(0);
      apply(sim, *state, fault.node);
    });
    sim.scheduler().schedule_at(f.at + f.duration, [&sim, state, i] {
      state->quota_of.erase(i);
      apply(sim, *state, state->faults[i].node);
    });
  }
}

}  // namespace mw::scen
